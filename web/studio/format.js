// Formatting and form helpers shared by the studio's modules.

import { setBusy } from '../shared/ui.js';

export const LANGUAGES = { fr: 'French', nl: 'Dutch', de: 'German', en: 'English' };

export const langName = (lang) => LANGUAGES[lang] ?? lang;

export function percent(confidence) {
  if (typeof confidence !== 'number' || Number.isNaN(confidence)) return '—';
  return `${Math.round(confidence <= 1 ? confidence * 100 : confidence)}%`;
}

/** Disables a form while its request runs; the focus, lost to the page when disabled, comes back. */
export async function whileBusy(form, action) {
  const focused = document.activeElement;
  setBusy(form, true);
  try {
    return await action();
  } finally {
    setBusy(form, false);
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost && focused && document.contains(focused) && !focused.disabled) focused.focus();
  }
}
