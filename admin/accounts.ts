import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Logger } from 'pino';
import { isDuplicateKey, UserModel, type UserDoc } from '../models';

export const MIN_PASSWORD_LENGTH = 12;

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  languages: string[];
  presence: 'available' | 'away';
  /** The authority a communicator or authority user acts for. */
  authorityNis?: string;
  totpEnabled: boolean;
}

export interface NewUser {
  username: string;
  password: string;
  displayName?: string;
  roles: string[];
  languages: string[];
  authorityNis?: string;
}

/** What administrators see of an account: never its password hash or second-factor secret. */
export interface AccountView extends User {
  disabled: boolean;
  createdAt?: string;
  lastSignInAt?: string;
  lastSeenAt?: string;
}

export class UsernameTaken extends Error {}

export function toUser(doc: UserDoc): User {
  return {
    id: doc._id.toHexString(),
    username: doc.username,
    displayName: doc.displayName,
    roles: doc.roles,
    languages: doc.languages,
    presence: doc.presence,
    ...(doc.authorityNis ? { authorityNis: doc.authorityNis } : {}),
    totpEnabled: Boolean(doc.totpEnabled),
  };
}

function toAccountView(doc: UserDoc): AccountView {
  const iso = (date: Date | null | undefined) => (date ? date.toISOString() : undefined);
  const dates = {
    createdAt: iso((doc as { createdAt?: Date }).createdAt),
    lastSignInAt: iso(doc.lastSignInAt),
    lastSeenAt: iso(doc.lastSeenAt),
  };
  return {
    ...toUser(doc),
    disabled: Boolean(doc.disabled),
    ...Object.fromEntries(Object.entries(dates).filter(([, value]) => value !== undefined)),
  };
}

/** Verifying against this when the username is unknown keeps both cases equally slow (no username probing). */
let decoyHash: Promise<string> | undefined;

/** Staff accounts: argon2id password hashes (the library's defaults follow OWASP's current advice). */
export class Accounts {
  async create(input: NewUser): Promise<User> {
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw new Error(`password shorter than ${MIN_PASSWORD_LENGTH} characters`);
    }
    try {
      const doc = await UserModel.create({
        username: input.username,
        displayName: input.displayName ?? input.username,
        passwordHash: await argon2.hash(input.password, { type: argon2.argon2id }),
        roles: input.roles as UserDoc['roles'],
        languages: input.languages,
        authorityNis: input.authorityNis,
      });
      return toUser(doc.toObject() as UserDoc);
    } catch (error) {
      if (isDuplicateKey(error)) throw new UsernameTaken(`username ${input.username} is taken`);
      throw error;
    }
  }

  /** Every account, disabled ones included, as administrators see them. */
  async list(): Promise<AccountView[]> {
    const docs = await UserModel.find({}, { passwordHash: 0, totp: 0, totpPending: 0 })
      .sort({ username: 1 })
      .lean<UserDoc[]>();
    return docs.map(toAccountView);
  }

  /** Any account, disabled or not, as administrators see it. */
  async view(id: string): Promise<AccountView | undefined> {
    const doc = await UserModel.findById(id, { passwordHash: 0, totp: 0, totpPending: 0 }).lean<UserDoc>();
    return doc ? toAccountView(doc) : undefined;
  }

  /** An administrator's reset: no proof of the old password (the caller ends the user's sessions). */
  async resetPassword(id: string, password: string): Promise<void> {
    const passwordHash = await argon2.hash(password, { type: argon2.argon2id });
    await UserModel.updateOne({ _id: id }, { $set: { passwordHash } });
  }

  /** A disabled account cannot sign in and its sessions no longer resolve (the caller ends them too). */
  async setDisabled(id: string, disabled: boolean): Promise<AccountView | undefined> {
    await UserModel.updateOne({ _id: id }, { $set: { disabled } });
    return this.view(id);
  }

  async signedIn(id: string, at = new Date()): Promise<void> {
    await UserModel.updateOne({ _id: id }, { $set: { lastSignInAt: at } });
  }

  async byId(id: string): Promise<User | undefined> {
    const doc = await UserModel.findOne({ _id: id, disabled: { $ne: true } }).lean<UserDoc>();
    return doc ? toUser(doc) : undefined;
  }

  /** The user, if the password is theirs. */
  async verify(username: string, password: string): Promise<User | undefined> {
    const doc = await UserModel.findOne({ username, disabled: { $ne: true } }).lean<UserDoc>();
    if (!doc) {
      decoyHash ??= argon2.hash(randomBytes(16).toString('hex'));
      await argon2.verify(await decoyHash, password);
      return undefined;
    }
    return (await argon2.verify(doc.passwordHash, password)) ? toUser(doc) : undefined;
  }

  /** Replaces the password of a user who proved the current one; false when that proof fails. */
  async changePassword(id: string, current: string, next: string): Promise<boolean> {
    const doc = await UserModel.findById(id, { passwordHash: 1 }).lean();
    if (!doc || !(await argon2.verify(doc.passwordHash, current))) return false;
    const passwordHash = await argon2.hash(next, { type: argon2.argon2id });
    await UserModel.updateOne({ _id: id }, { $set: { passwordHash } });
    return true;
  }

  async setPresence(id: string, presence: User['presence']): Promise<User | undefined> {
    await UserModel.updateOne({ _id: id }, { $set: { presence, lastSeenAt: new Date() } });
    return this.byId(id);
  }

  /** The console is open: the user counts as online for wait estimates. */
  async seen(id: string, at = new Date()): Promise<void> {
    await UserModel.updateOne({ _id: id }, { $set: { lastSeenAt: at } });
  }

  /**
   * Makes sure an admin exists: from ADMIN_USERNAME/ADMIN_PASSWORD when given, otherwise `admin`
   * with a random password printed once, here, at the first start.
   */
  async ensureFirstAdmin(given: { username?: string; password?: string }, logger: Logger): Promise<void> {
    if (await UserModel.exists({ roles: 'admin' })) return;
    const username = given.username ?? 'admin';
    const password = given.password ?? randomBytes(18).toString('base64url');
    try {
      await this.create({
        username,
        password,
        displayName: 'Administrator',
        roles: ['admin'],
        languages: [],
      });
    } catch (error) {
      // Another process created it at the same moment.
      if (error instanceof UsernameTaken) return;
      throw error;
    }
    if (given.password) logger.info({ username }, 'first admin created from ADMIN_USERNAME/ADMIN_PASSWORD');
    else logger.warn({ username, password }, 'first admin created: this password is shown once, change it');
  }
}
