import { AttemptBudgets, type Attempt } from './attemptBudget';

export interface SignInLimits {
  /** Attempts allowed per username (and, times four, per address) in the window; a success gives its points back. */
  failures: number;
  windowSeconds: number;
}

/** Every process counts in this collection, so N processes give an attacker no more than one does. */
const COLLECTION = 'signinattempts';

/**
 * Slows guessing of passwords and second-factor codes. Each try takes a point per username and
 * per client address (codes: per user) before the secret is checked; a right secret gives the
 * points back. Past the limit, nothing is checked until the window passes.
 */
export class SignInLimiter {
  private readonly budgets: AttemptBudgets;

  constructor(private readonly limits: SignInLimits) {
    this.budgets = new AttemptBudgets(COLLECTION, limits.windowSeconds);
  }

  /** A password try for `username` from `address`. */
  password(username: string, address: string): Promise<Attempt> {
    return this.budgets.attempt([
      { name: `user:${username}`, points: this.limits.failures },
      { name: `address:${address}`, points: this.limits.failures * 4 },
    ]);
  }

  /** A second-factor code try of the user `userId`. */
  code(userId: string): Promise<Attempt> {
    return this.budgets.attempt([{ name: `code:${userId}`, points: this.limits.failures }]);
  }

  async purgeOlderThan(cutoff: Date): Promise<void> {
    await this.budgets.purgeOlderThan(cutoff);
  }
}
