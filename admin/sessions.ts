import { createHash, randomBytes } from 'node:crypto';
import { SessionModel } from '../models';

export interface SessionPolicy {
  /** A session unused this long ends. */
  idleMs: number;
  /** And none lasts longer than this, used or not. */
  maxAgeMs: number;
}

/** A live session: whose it is, and when its sign-in proved the second factor (if it did). */
export interface LiveSession {
  userId: string;
  secondFactorAt?: Date;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Refresh the idle deadline at most this often: a session write per request would be waste. */
const REFRESH_EVERY_MS = 60_000;

/** Server-side sessions behind random bearer tokens; the database keeps only their hashes. */
export class Sessions {
  constructor(private readonly policy: SessionPolicy) {}

  /** A new session; `secondFactorAt` when the sign-in gave a valid code. */
  async open(userId: string, secondFactorAt?: Date): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.policy.idleMs);
    await SessionModel.create({ _id: digest(token), userId, expiresAt, secondFactorAt });
    return { token, expiresAt };
  }

  /** The session behind a live token, extending its idle deadline. */
  async resolve(token: string): Promise<LiveSession | undefined> {
    const id = digest(token);
    const session = await SessionModel.findById(id).lean();
    const now = Date.now();
    if (!session) return undefined;
    const created = (session as unknown as { createdAt: Date }).createdAt.getTime();
    if (session.expiresAt.getTime() <= now || now - created > this.policy.maxAgeMs) {
      await SessionModel.deleteOne({ _id: id });
      return undefined;
    }
    if (session.expiresAt.getTime() - now < this.policy.idleMs - REFRESH_EVERY_MS) {
      await SessionModel.updateOne({ _id: id }, { $set: { expiresAt: new Date(now + this.policy.idleMs) } });
    }
    return {
      userId: session.userId,
      ...(session.secondFactorAt ? { secondFactorAt: session.secondFactorAt } : {}),
    };
  }

  async close(token: string): Promise<void> {
    await SessionModel.deleteOne({ _id: digest(token) });
  }

  /** Ends every session of a user but the one given (after a password change). */
  async closeOthers(userId: string, keepToken: string): Promise<void> {
    await SessionModel.deleteMany({ userId, _id: { $ne: digest(keepToken) } });
  }

  /** Ends every session of a user (disabled, or given a new password by an administrator). */
  async closeAll(userId: string): Promise<void> {
    await SessionModel.deleteMany({ userId });
  }

  /** The user's sessions no longer count as having proved a factor (it was removed). */
  async forgetSecondFactor(userId: string): Promise<void> {
    await SessionModel.updateMany({ userId }, { $unset: { secondFactorAt: 1 } });
  }

  async purgeExpired(now = new Date()): Promise<void> {
    await SessionModel.deleteMany({ expiresAt: { $lt: now } });
  }
}
