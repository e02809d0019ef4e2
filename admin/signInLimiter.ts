import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface SignInLimits {
  /** Failed sign-ins allowed per username (and, times four, per address) in the window. */
  failures: number;
  windowSeconds: number;
}

/**
 * Slows password guessing: failed sign-ins are counted per username and per client address;
 * past the limit, sign-in is refused without checking the password until the window passes.
 * Counters live in each process: with N processes an attacker gets at most N times the budget.
 */
export class SignInLimiter {
  private readonly byUser: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(limits: SignInLimits) {
    this.byUser = new RateLimiterMemory({ points: limits.failures, duration: limits.windowSeconds });
    this.byAddress = new RateLimiterMemory({ points: limits.failures * 4, duration: limits.windowSeconds });
  }

  /** Seconds to wait before trying again, or 0 when sign-in may be tried. */
  async blockedFor(username: string, address: string): Promise<number> {
    const [user, ip] = await Promise.all([this.byUser.get(username), this.byAddress.get(address)]);
    const waits = [user, ip]
      .filter((r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0)
      .map((r) => Math.ceil(r.msBeforeNext / 1000));
    return waits.length ? Math.max(...waits) : 0;
  }

  async failed(username: string, address: string): Promise<void> {
    await Promise.all([this.byUser.penalty(username, 1), this.byAddress.penalty(address, 1)]);
  }

  async succeeded(username: string): Promise<void> {
    await this.byUser.delete(username);
  }
}
