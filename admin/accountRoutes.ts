import type { Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LANGUAGES, PRESENCES, ROLES } from '../models';
import { MIN_PASSWORD_LENGTH, UsernameTaken, type Accounts } from './accounts';
import type { Auth } from './auth';
import { spend } from './attemptBudget';
import { HttpError, jsonRoute, parseBody } from './http';
import type { SecondFactor } from './secondFactor';
import { registerSecondFactorRoutes } from './secondFactorRoutes';
import type { Sessions } from './sessions';
import type { SignInLimiter } from './signInLimiter';

const MAX_PASSWORD_LENGTH = 256;

export const loginBody = z
  .object({ username: z.string().min(1).max(100), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) })
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

export interface AccountRouteDeps {
  auth: Auth;
  accounts: Accounts;
  sessions: Sessions;
  limiter: SignInLimiter;
  secondFactor: SecondFactor;
  logger: Logger;
}

export function registerAccountRoutes(server: Server, deps: AccountRouteDeps): void {
  const { auth, accounts, sessions, limiter, logger } = deps;
  registerSecondFactorRoutes(server, deps);
  const route = (handler: Parameters<typeof jsonRoute>[0]) =>
    jsonRoute(handler, logger, (error) =>
      error instanceof UsernameTaken ? new HttpError(409, error.message) : undefined,
    );

  server.post(
    '/api/auth/login',
    route(async (req, res) => {
      const { username, password } = parseBody(loginBody, req);
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
      const { token, expiresAt } = await sessions.open(user.id);
      auth.setCookie(res, token, expiresAt);
      logger.info({ userId: user.id, roles: user.roles }, 'signed in');
      return { token, expiresAt: expiresAt.toISOString(), user };
    }),
  );

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
    route(async (req) => (await auth.caller(req)).user),
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
      logger.info({ by: caller.user.id, userId: user.id, roles: user.roles }, 'user created');
      res.status(201);
      return user;
    }),
  );
}
