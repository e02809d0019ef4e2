// Page helpers. Data only ever reaches the page through textContent, never as HTML.

export const $ = (id) => document.getElementById(id);

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(text, className, onClick) {
  const node = el('button', className, text);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

/**
 * Replaces a list's items without throwing the keyboard user's focus back to the top of the page:
 * focus on an item's button (an item is an element with `attribute`) moves to the new item with the
 * same value.
 */
export function replaceKeepingFocus(list, attribute, items) {
  const focused = document.activeElement?.closest?.(`[${attribute}]`);
  const key = focused && list.contains(focused) ? focused.getAttribute(attribute) : null;
  list.replaceChildren(...items);
  if (key) list.querySelector(`[${attribute}="${CSS.escape(key)}"] button`)?.focus();
}

/** Enter in `box` submits `form`; Shift+Enter (and Enter while an input method composes) does not. */
export function submitOnEnter(box, form) {
  box.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit();
  });
}

export function setBusy(form, busy) {
  for (const control of form.elements) control.disabled = busy;
}

/** The status bar (aria-live). Details only show on a page that has a #status-details list. */
export function showStatus(text, kind = 'info', details = []) {
  const status = $('status');
  status.textContent = text;
  status.dataset.kind = kind;
  const list = $('status-details');
  if (!list) return;
  list.replaceChildren(...details.map((detail) => el('li', '', detail)));
  list.hidden = details.length === 0;
  list.dataset.kind = kind;
}
