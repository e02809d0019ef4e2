// How the operations view writes its figures: the same words on screen and in the text summaries.

import { languageName } from '../shared/languages.js';

export const QUEUES = { d5: 'D5 information', d2: 'D2 victim inquiries' };

export const queueName = (queue) => QUEUES[queue] ?? queue;

const integer = new Intl.NumberFormat('en');
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export const number = (value) => integer.format(Math.round(value));
export const rate = (value) => decimal.format(value);
export const percent = (part, whole) => (whole > 0 ? `${Math.round((100 * part) / whole)} %` : '—');

/** A duration in seconds as "45 s", "3 min 20 s", "1 h 5 min"; a dash when there is none. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

export const clock = (iso) =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

/** The staffing advice in words: "add 3 Dutch-speaking operators", or that the staff suffices. */
export function advice(row) {
  const who = row.queue === 'd2' ? 'D2 agents' : 'operators';
  const speaking = `${languageName(row.lang)}-speaking`;
  const { add, operatorsNeeded } = row.staffing;
  if (add > 0) return `Add ${add} ${speaking} ${add === 1 ? who.replace(/s$/, '') : who}`;
  if (operatorsNeeded === 0) return 'No demand: nobody needed';
  return `Enough: ${operatorsNeeded} needed`;
}
