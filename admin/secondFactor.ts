import { Secret, TOTP } from 'otpauth';
import type { IntakeCipher, SealedIntake } from '../handoff';
import { InsertLocks, UserModel } from '../models';
import { HttpError } from './http';

const ISSUER = 'crisis-contact-bot';
/** One 30-second step either side: a phone clock a little off still works. */
const WINDOW = 1;

/**
 * TOTP second factor (RFC 6238) for the acts that open or close a crisis service. The secret is
 * stored sealed with the data key; a code is accepted once (a lock per user and time step), so a
 * code seen over a shoulder cannot be replayed.
 */
export class SecondFactor {
  private readonly used = new InsertLocks('totpused', 10 * 60_000);

  constructor(private readonly cipher: IntakeCipher) {}

  async enroll(userId: string, username: string): Promise<{ secret: string; otpauthUri: string }> {
    const secret = new Secret({ size: 20 });
    await UserModel.updateOne(
      { _id: userId },
      { $set: { totp: this.cipher.seal(secret.base32, `totp:${userId}`), totpEnabled: false } },
    );
    const totp = this.totp(secret, username);
    return { secret: secret.base32, otpauthUri: totp.toString() };
  }

  /** Confirms enrolment with a first code: from then on the factor is required. */
  async confirm(userId: string, username: string, code: string): Promise<void> {
    await this.check(userId, username, code, false);
    await UserModel.updateOne({ _id: userId }, { $set: { totpEnabled: true } });
  }

  /** Throws 401 unless `code` is a fresh, valid code of the user's enrolled factor. */
  async require(userId: string, username: string, code: string | undefined): Promise<void> {
    if (!code) throw new HttpError(401, 'a code from your authenticator app is required');
    await this.check(userId, username, code, true);
  }

  private async check(userId: string, username: string, code: string, enabled: boolean): Promise<void> {
    const user = await UserModel.findById(userId, { totp: 1, totpEnabled: 1 }).lean();
    if (!user?.totp || (enabled && !user.totpEnabled)) {
      throw new HttpError(401, 'no second factor enrolled: enrol one at POST /api/me/totp first');
    }
    const secret = Secret.fromBase32(this.cipher.open<string>(user.totp as SealedIntake, `totp:${userId}`));
    const totp = this.totp(secret, username);
    const delta = /^\d{6}$/.test(code) ? totp.validate({ token: code, window: WINDOW }) : null;
    if (delta === null) throw new HttpError(enabled ? 401 : 400, 'wrong or expired code');
    const step = Math.floor(Date.now() / 1000 / totp.period) + delta;
    if (!(await this.used.take(`${userId}:${step}`))) throw new HttpError(401, 'this code was already used');
  }

  private totp(secret: Secret, username: string): TOTP {
    return new TOTP({ issuer: ISSUER, label: username, secret, digits: 6, period: 30 });
  }
}
