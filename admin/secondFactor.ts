import { Secret, TOTP } from 'otpauth';
import type { IntakeCipher, SealedIntake } from '../handoff';
import { InsertLocks, UserModel } from '../models';
import { spend } from './attemptBudget';
import type { Caller } from './auth';
import { HttpError } from './http';
import type { SignInLimiter } from './signInLimiter';

const ISSUER = 'crisis-contact-bot';
/** One 30-second step either side: a phone clock a little off still works. */
const WINDOW = 1;

/** A 401 that tells the client a code is what is missing or wrong (the session itself is fine). */
function codeRefused(message: string): HttpError {
  return new HttpError(401, message, undefined, { secondFactorRequired: true });
}

/**
 * TOTP second factor (RFC 6238) at sign-in and for the acts that open or close a crisis service. The secret is
 * stored sealed with the data key; a code is accepted once (a lock per user, time step and code), so a
 * code seen over a shoulder cannot be replayed, and every try takes a point of the user's code
 * budget before it is checked, so codes cannot be guessed in bulk. A new secret waits beside the
 * current one until a code of it is confirmed: starting an enrolment turns nothing off.
 *
 * A sign-in that gave a valid code stays "fresh" for `freshMs`: within it, the acts behind the
 * factor need no new code. A code works once, so asking again right after the sign-in would make
 * the user wait for the app's next one (up to 30 s) at the worst moment to wait.
 */
export class SecondFactor {
  private readonly used = new InsertLocks('totpused', 10 * 60_000);

  constructor(
    private readonly cipher: IntakeCipher,
    private readonly limiter: SignInLimiter,
    private readonly freshMs: number,
  ) {}

  /** A new secret for the user, pending until `confirm`; the caller has checked who asks for it. */
  async enroll(userId: string, username: string): Promise<{ secret: string; otpauthUri: string }> {
    const secret = new Secret({ size: 20 });
    await UserModel.updateOne(
      { _id: userId },
      { $set: { totpPending: this.cipher.seal(secret.base32, `totp:${userId}`) } },
    );
    const totp = this.totp(secret, username);
    return { secret: secret.base32, otpauthUri: totp.toString() };
  }

  /** Confirms the pending enrolment with a first code of it: from then on that factor is the one required. */
  async confirm(userId: string, username: string, code: string): Promise<void> {
    const user = await UserModel.findById(userId, { totpPending: 1 }).lean();
    if (!user?.totpPending)
      throw new HttpError(400, 'no enrolment to confirm: start one at POST /api/me/totp');
    await this.check(userId, username, user.totpPending as SealedIntake, code, 400);
    await UserModel.updateOne(
      { _id: userId },
      { $set: { totp: user.totpPending, totpEnabled: true }, $unset: { totpPending: 1 } },
    );
  }

  /** Throws 401 unless `code` is a fresh, valid code of the user's enrolled factor. */
  async require(userId: string, username: string, code: string | undefined): Promise<void> {
    if (!code) throw codeRefused('a code from your authenticator app is required');
    const user = await UserModel.findById(userId, { totp: 1, totpEnabled: 1 }).lean();
    if (!user?.totp || !user.totpEnabled) {
      throw codeRefused('no second factor enrolled: enrol one at POST /api/me/totp first');
    }
    await this.check(userId, username, user.totp as SealedIntake, code, 401);
  }

  /**
   * For an act behind the factor: passes without a code while the caller's sign-in is fresh, and
   * otherwise like `require`. A code given is checked whatever the session: a wrong one never passes.
   */
  async requireForAct(caller: Caller, code: string | undefined): Promise<void> {
    if (!code && this.freshUntil(caller)) return;
    await this.require(caller.user.id, caller.user.username, code);
  }

  /** Until when the caller's session needs no new code; undefined when it needs one now. */
  freshUntil({ user, secondFactorAt }: Pick<Caller, 'user' | 'secondFactorAt'>): Date | undefined {
    if (!user.totpEnabled || !secondFactorAt) return undefined;
    const until = new Date(secondFactorAt.getTime() + this.freshMs);
    return until.getTime() > Date.now() ? until : undefined;
  }

  /** Removes the user's factor, enrolled or pending (an administrator's reset). */
  async reset(userId: string): Promise<void> {
    await UserModel.updateOne(
      { _id: userId },
      { $set: { totpEnabled: false }, $unset: { totp: 1, totpPending: 1 } },
    );
  }

  private async check(
    userId: string,
    username: string,
    sealed: SealedIntake,
    code: string,
    wrongStatus: 400 | 401,
  ): Promise<void> {
    const attempt = spend(await this.limiter.code(userId), 'too many wrong codes: try again later');
    const secret = Secret.fromBase32(this.cipher.open<string>(sealed, `totp:${userId}`));
    const totp = this.totp(secret, username);
    const delta = /^\d{6}$/.test(code) ? totp.validate({ token: code, window: WINDOW }) : null;
    if (delta === null) {
      throw wrongStatus === 401
        ? codeRefused('wrong or expired code')
        : new HttpError(400, 'wrong or expired code');
    }
    const step = Math.floor(Date.now() / 1000 / totp.period) + delta;
    // Keyed by the code too: a new secret's first code may fall in the step of the old one's last.
    if (!(await this.used.take(`${userId}:${step}:${code}`))) throw codeRefused('this code was already used');
    await attempt.succeeded();
  }

  private totp(secret: Secret, username: string): TOTP {
    return new TOTP({ issuer: ISSUER, label: username, secret, digits: 6, period: 30 });
  }
}
