// Formatting and form helpers shared by the studio's modules.

import { setBusy } from '../shared/ui.js';

/** The names of the content's fields, as the diff and the conflict notice show them. */
export const FIELDS = {
  question: 'Question',
  alternatives: 'Alternatives',
  answer: 'Answer',
  category: 'Category',
  links: 'Links',
  order: 'Position',
  title: 'Title',
  summary: 'Summary',
  infoNumber: 'Info number',
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const when = (iso) => (iso ? dateTime.format(new Date(iso)) : 'an unknown time');

/** Authors may come as a name or as a user object, depending on the route. */
export function personName(who) {
  if (!who) return 'someone';
  if (typeof who === 'string') return who;
  return who.displayName ?? who.username ?? who.id ?? 'someone';
}

export function textOf(value) {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('\n');
  return JSON.stringify(value, null, 2);
}

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
