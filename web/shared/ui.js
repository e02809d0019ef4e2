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
