// Money, numbers, times and periods in the browser's locale and time zone.

const HOUR_MS = 3_600_000;

const money = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' });
const count = new Intl.NumberFormat(undefined);
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const hourOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndHour = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const dayOnly = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

export const LANGUAGE_NAMES = { fr: 'French', nl: 'Dutch', de: 'German', en: 'English', unknown: 'Unknown' };

export const euros = (cents) => money.format(cents / 100);
export const number = (value) => count.format(value);
export const dateTime = (iso) => moment.format(new Date(iso));
export const day = (date) => dayOnly.format(date);
export const languageName = (code) => LANGUAGE_NAMES[code] ?? code;
export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An hour's label in local time; with the day when the series spans more than one. */
export const hourLabel = (iso, withDay) => (withDay ? dayAndHour : hourOnly).format(new Date(iso));

/** Seconds as minutes and seconds ("3 min 07 s"); a dash when there is nothing to measure. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return minutes ? `${minutes} min ${String(rest).padStart(2, '0')} s` : `${rest} s`;
}

/** A date input's value (YYYY-MM-DD) for a local day. */
export function dayValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A local midnight as an instant on a whole hour (what the API counts in). In the few time zones
 * whose offset is not whole hours, midnight falls between two hours: the earlier one is taken.
 */
function midnight(dayString, daysLater) {
  const [year, month, date] = dayString.split('-').map(Number);
  const at = new Date(year, month - 1, date + daysLater);
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The period of a range of local days, the last one included: `to` is the midnight after it. */
export function periodOfDays(firstDay, lastDay) {
  return { from: midnight(firstDay, 0).toISOString(), to: midnight(lastDay, 1).toISOString() };
}

/** A datetime-local input's value (local time) as an ISO instant. */
export const instantOf = (localValue) => new Date(localValue).toISOString();
