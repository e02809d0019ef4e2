import type { Request, Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LANGUAGES, PRESENCES, ROLES, writeAudit } from '../models';
import { MIN_PASSWORD_LENGTH, UsernameTaken, type Accounts, type User } from './accounts';
import type { Auth, Caller } from './auth';
import { spend } from './attemptBudget';
import { HttpError, jsonRoute, parseBody } from './http';
import type { SecondFactor } from './secondFactor';
import { registerSecondFactorRoutes } from './secondFactorRoutes';
import type { Sessions } from './sessions';
import type { SignInLimiter } from './signInLimiter';

const MAX_PASSWORD_LENGTH = 256;

export const loginBody = z
  .object({
    username: z.string().min(1).max(100),
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
    /** The authenticator app's code: needed by an account with a second factor enrolled. */
    totp: z
      .string()
      .regex(/^\d{6}$/, 'six digits')
      .optional(),
  })
  .strict();
export const presenceBody = z.object({ presence: z.enum(PRESENCES) }).strict();
export const passwordBody = z
  .object({
    current: z.string().min(1).max(MAX_PASSWORD_LENGTH),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
  })
  .strict();
export const newUserBody = z
  .object({
    username: z
      .string()
      .regex(/^[a-z0-9._-]{2,64}$/i, 'letters, digits, dot, dash or underscore; 2 to 64 characters'),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
    displayName: z.string().trim().min(1).max(100).optional(),
    roles: z
      .array(z.enum(ROLES))
      .min(1)
      .refine((roles) => new Set(roles).size === roles.length, 'each role once'),
    languages: z.array(z.enum(LANGUAGES)).default([]),
    authorityNis: z
      .string()
      .regex(/^\d{5}$/, 'a 5-digit NIS code')
      .optional(),
  })
  .strict()
  .refine((u) => u.authorityNis || !u.roles.some((r) => r === 'communicator' || r === 'authority'), {
    message: 'communicators and authority users need the authorityNis of their authority',
    path: ['authorityNis'],
  });

export const passwordResetBody = z
  .object({ password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH) })
  .strict();

export interface AccountRouteDeps {
  auth: Auth;
  accounts: Accounts;
  sessions: Sessions;
  limiter: SignInLimiter;
  secondFactor: SecondFactor;
  logger: Logger;
}

export function registerAccountRoutes(server: Server, deps: AccountRouteDeps): void {
  const { auth, accounts, sessions, limiter, secondFactor, logger } = deps;
  registerSecondFactorRoutes(server, deps);
  const route = (handler: Parameters<typeof jsonRoute>[0]) =>
    jsonRoute(handler, logger, (error) =>
      error instanceof UsernameTaken ? new HttpError(409, error.message) : undefined,
    );

  server.post(
    '/api/auth/login',
    route(async (req, res) => {
      const { username, password, totp } = parseBody(loginBody, req);
      const address = req.socket.remoteAddress ?? 'unknown';
      const attempt = spend(
        await limiter.password(username, address),
        'too many failed sign-ins: try again later',
      );
      const user = await accounts.verify(username, password);
      if (!user) {
        logger.warn({ username, address }, 'failed sign-in');
        throw new HttpError(401, 'wrong username or password');
      }
      await attempt.succeeded();
      const secondFactorAt = user.totpEnabled ? await proveSecondFactor(user, totp, address) : undefined;
      await accounts.signedIn(user.id);
      const { token, expiresAt } = await sessions.open(user.id, secondFactorAt);
      auth.setCookie(res, token, expiresAt);
      logger.info({ userId: user.id, roles: user.roles, secondFactor: Boolean(secondFactorAt) }, 'signed in');
      return { token, expiresAt: expiresAt.toISOString(), user: me({ user, secondFactorAt }) };
    }),
  );

  /**
   * The second step of a sign-in whose password was right: the code is checked (and counted) like
   * any other, and its outcome audited, as the caller has proved the password. No code, no session.
   */
  const proveSecondFactor = async (user: User, totp: string | undefined, address: string) => {
    try {
      await secondFactor.require(user.id, user.username, totp);
    } catch (error) {
      // Without a code this is the first of the sign-in's two steps, not a failure.
      if (error instanceof HttpError && totp) {
        logger.warn({ userId: user.id, address, reason: error.message }, 'failed second factor at sign-in');
        await writeAudit(user, 'signin.totp', `user:${user.id}`, 'refused', { reason: error.message });
      }
      throw error;
    }
    await writeAudit(user, 'signin.totp', `user:${user.id}`, 'allowed');
    return new Date();
  };

  /** The signed-in user, with until when their session needs no new code for acts behind the factor. */
  const me = (caller: Pick<Caller, 'user' | 'secondFactorAt'>) => {
    const freshUntil = secondFactor.freshUntil(caller);
    return { ...caller.user, ...(freshUntil ? { secondFactorFreshUntil: freshUntil.toISOString() } : {}) };
  };

  server.post(
    '/api/auth/logout',
    route(async (req, res) => {
      const token = auth.tokenOf(req);
      if (token) await sessions.close(token);
      auth.clearCookie(res);
      return undefined;
    }),
  );

  server.get(
    '/api/me',
    route(async (req) => me(await auth.caller(req))),
  );

  server.put(
    '/api/me/presence',
    route(async (req) => {
      const caller = await auth.caller(req);
      const { presence } = parseBody(presenceBody, req);
      return accounts.setPresence(caller.user.id, presence);
    }),
  );

  server.put(
    '/api/me/password',
    route(async (req) => {
      const { user, token } = await auth.caller(req);
      const { current, password } = parseBody(passwordBody, req);
      // Guessing the current password through a stolen session counts as failed sign-ins.
      const address = req.socket.remoteAddress ?? 'unknown';
      const attempt = spend(await limiter.password(user.username, address));
      if (!(await accounts.changePassword(user.id, current, password))) {
        throw new HttpError(403, 'the current password is wrong');
      }
      await attempt.succeeded();
      // Whoever may have known the old password is signed out everywhere else.
      await sessions.closeOthers(user.id, token);
      logger.info({ userId: user.id }, 'password changed');
      return undefined;
    }),
  );

  server.get(
    '/api/users',
    route(async (req) => {
      await auth.requireRole(req, 'admin');
      return { users: await accounts.list() };
    }),
  );

  server.post(
    '/api/users',
    route(async (req, res) => {
      const caller = await auth.requireRole(req, 'admin');
      const body = parseBody(newUserBody, req);
      const user = await accounts.create(body);
      await writeAudit(actor(caller), 'user.create', `user:${user.id}`, 'allowed', { roles: user.roles });
      logger.info({ by: caller.user.id, userId: user.id, roles: user.roles }, 'user created');
      res.status(201);
      return user;
    }),
  );

  /** The account an administrator acts on; 404 for an id that names none. */
  const target = async (req: Request) => {
    const id = String(req.params.id);
    const user = /^[0-9a-f]{24}$/.test(id) ? await accounts.view(id) : undefined;
    if (!user) throw new HttpError(404, 'no such user');
    return user;
  };

  server.put(
    '/api/users/:id/password',
    route(async (req) => {
      const caller = await auth.requireRole(req, 'admin');
      const user = await target(req);
      const { password } = parseBody(passwordResetBody, req);
      await accounts.resetPassword(user.id, password);
      // Whoever knew the old password, or holds a session of it, is out.
      await sessions.closeAll(user.id);
      await writeAudit(actor(caller), 'user.password.reset', `user:${user.id}`, 'allowed');
      logger.warn({ by: caller.user.id, userId: user.id }, 'password reset by an administrator');
      return undefined;
    }),
  );

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    server.post(
      `/api/users/:id/${action}`,
      route(async (req) => {
        const caller = await auth.requireRole(req, 'admin');
        const user = await target(req);
        if (disabled && user.id === caller.user.id) {
          await writeAudit(actor(caller), `user.${action}`, `user:${user.id}`, 'refused', {
            reason: 'own account',
          });
          // The last administrator could otherwise lock everyone out.
          throw new HttpError(409, 'you cannot disable your own account');
        }
        const updated = await accounts.setDisabled(user.id, disabled);
        if (disabled) await sessions.closeAll(user.id);
        await writeAudit(actor(caller), `user.${action}`, `user:${user.id}`, 'allowed');
        logger.warn({ by: caller.user.id, userId: user.id }, `user ${action}d by an administrator`);
        return updated;
      }),
    );
  }
}

const actor = (caller: Caller) => ({ id: caller.user.id, roles: caller.user.roles });
