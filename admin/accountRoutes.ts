import type { Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LANGUAGES, PRESENCES, ROLES } from '../models';
import { MIN_PASSWORD_LENGTH, UsernameTaken, type Accounts } from './accounts';
import type { Auth } from './auth';
import { HttpError, jsonRoute, parseBody } from './http';
import type { Sessions } from './sessions';
import type { SignInLimiter } from './signInLimiter';

const MAX_PASSWORD_LENGTH = 256;

const loginBody = z
  .object({ username: z.string().min(1).max(100), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) })
  .strict();
const presenceBody = z.object({ presence: z.enum(PRESENCES) }).strict();
const newUserBody = z
  .object({
    username: z
      .string()
      .regex(/^[a-z0-9._-]{2,64}$/i, 'letters, digits, dot, dash or underscore; 2 to 64 characters'),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
    displayName: z.string().trim().min(1).max(100).optional(),
    roles: z.array(z.enum(ROLES)).min(1),
    languages: z.array(z.enum(LANGUAGES)).default([]),
  })
  .strict();

export interface AccountRouteDeps {
  auth: Auth;
  accounts: Accounts;
  sessions: Sessions;
  limiter: SignInLimiter;
  logger: Logger;
}

export function registerAccountRoutes(server: Server, deps: AccountRouteDeps): void {
  const { auth, accounts, sessions, limiter, logger } = deps;
  const route = (handler: Parameters<typeof jsonRoute>[0]) =>
    jsonRoute(handler, logger, (error) =>
      error instanceof UsernameTaken ? new HttpError(409, error.message) : undefined,
    );

  server.post(
    '/api/auth/login',
    route(async (req, res) => {
      const { username, password } = parseBody(loginBody, req);
      const address = req.socket.remoteAddress ?? 'unknown';
      const wait = await limiter.blockedFor(username, address);
      if (wait > 0) {
        res.header('Retry-After', String(wait));
        throw new HttpError(429, 'too many failed sign-ins: try again later');
      }
      const user = await accounts.verify(username, password);
      if (!user) {
        await limiter.failed(username, address);
        logger.warn({ username, address }, 'failed sign-in');
        throw new HttpError(401, 'wrong username or password');
      }
      await limiter.succeeded(username);
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
