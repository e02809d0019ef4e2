export const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant `days` days before `now`: what a retention period of that many days keeps since. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
