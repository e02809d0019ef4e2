import { InsertLocks } from '../models';
import { TooManyAttempts } from './http';

/** One counter of an attempt: `points` attempts per window under `name`. */
export interface BudgetKey {
  name: string;
  points: number;
}

/** An attempt that got a point of every budget; what it proves decides what is given back. */
export interface GrantedAttempt {
  granted: true;
  /** The attempt proved its owner: every point of the first key's budget is given back (the window starts over). */
  succeeded(): Promise<void>;
}

export type Attempt = GrantedAttempt | { granted: false; retryAfterSeconds: number };

/**
 * Attempt budgets shared by every process, in the database. An attempt takes a point of each
 * budget before anything is checked, so parallel attempts cannot all pass a check made before
 * any of them was counted. A point is a document inserted under `name:window:slot` with slot 1 to
 * `points`: the insert into the unique `_id` is atomic on FerretDB (whose `$inc` and conditional
 * updates are not, which rules out rate-limiter-flexible's Mongo store) as on MongoDB, so at most
 * `points` attempts of a window ever get one. Windows are fixed: at a window's edge, a budget can
 * be spent twice in quick succession.
 */
export class AttemptBudgets {
  private readonly points: InsertLocks;

  constructor(
    collectionName: string,
    private readonly windowSeconds: number,
  ) {
    this.points = new InsertLocks(collectionName, windowSeconds * 1000);
  }

  /** Takes a point of every key's budget, or none when any is spent. */
  async attempt(keys: BudgetKey[]): Promise<Attempt> {
    const now = Date.now();
    const windowMs = this.windowSeconds * 1000;
    const window = Math.floor(now / windowMs);
    const taken = await Promise.all(keys.map((key) => this.takePoint(key, window)));
    if (taken.some((slot) => slot === undefined)) {
      await Promise.all(taken.filter((slot) => slot !== undefined).map((slot) => this.points.release(slot)));
      return {
        granted: false,
        retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)),
      };
    }
    const [first] = keys;
    return {
      granted: true,
      succeeded: async () => {
        const others = taken.slice(1) as string[];
        const firstSlots = first ? this.slotsOf(first, window) : [];
        await Promise.all([...firstSlots, ...others].map((slot) => this.points.release(slot)));
      },
    };
  }

  /** Points of windows that ended before `cutoff` count for nothing: their documents go. */
  async purgeOlderThan(cutoff: Date): Promise<void> {
    await this.points.purgeOlderThan(cutoff);
  }

  private async takePoint(key: BudgetKey, window: number): Promise<string | undefined> {
    for (const slot of this.slotsOf(key, window)) {
      if (await this.points.take(slot)) return slot;
    }
    return undefined;
  }

  private slotsOf(key: BudgetKey, window: number): string[] {
    return Array.from({ length: key.points }, (_, i) => `${key.name}:${window}:${i + 1}`);
  }
}

/** The granted attempt, or a 429 (TooManyAttempts) saying `message`. */
export function spend(attempt: Attempt, message?: string): GrantedAttempt {
  if (!attempt.granted) throw new TooManyAttempts(attempt.retryAfterSeconds, message);
  return attempt;
}
