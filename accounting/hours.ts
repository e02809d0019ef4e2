import { z } from 'zod';

/** Usage is counted per hour (UTC): periods, prices and reports move in whole hours. */
export const HOUR_MS = 3_600_000;

export function hourStartOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The first whole hour at or after `at`. */
export function ceilHour(at: Date): Date {
  const start = hourStartOf(at);
  return start.getTime() === at.getTime() ? start : new Date(start.getTime() + HOUR_MS);
}

/** An ISO 8601 instant (with its offset) on a whole hour, as tariffs and report periods take them. */
export const wholeHourInstant = z.iso
  .datetime({ offset: true })
  .refine((value) => new Date(value).getTime() % HOUR_MS === 0, 'must be on a whole hour');
