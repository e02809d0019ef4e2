import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

const WINDOW_SECONDS = 60;

/**
 * Limits new chat conversations per client address, so one client cannot mint conversations
 * (or Azure tokens, which cost) by the thousand. Citizens behind one NAT share an address: the
 * limit must stay generous. Counted per process, like sign-in failures.
 */
export class ConversationStarts {
  private readonly limiter: RateLimiterMemory;

  constructor(perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS });
  }

  /** Counts a start; answers 0 when allowed, else the seconds to wait. */
  async take(address: string): Promise<number> {
    try {
      await this.limiter.consume(address);
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw error;
    }
  }
}
