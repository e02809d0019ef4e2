// The studio's confirmation dialog (#confirm-dialog), for what cannot be undone or loses text.

import { $ } from '../shared/ui.js';

/** A modal confirmation; resolves `{ok, note}`. Escape and Cancel both answer no. */
export function confirmAction({ title, text, ok, danger = false, withNote = false }) {
  const dialog = $('confirm-dialog');
  const opener = document.activeElement;
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = ok;
  $('confirm-ok').classList.toggle('danger', danger);
  $('confirm-note-field').hidden = !withNote;
  $('confirm-note').value = '';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        const note = $('confirm-note').value.trim();
        if (opener && document.contains(opener)) opener.focus();
        resolve({ ok: dialog.returnValue === 'ok', note });
      },
      { once: true },
    );
    dialog.showModal();
    (withNote ? $('confirm-note') : $('confirm-cancel')).focus();
  });
}
