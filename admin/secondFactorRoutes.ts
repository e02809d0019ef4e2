import type { Request, Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AuditLogModel, writeAudit } from '../models';
import type { Accounts } from './accounts';
import { spend } from './attemptBudget';
import type { Auth, Caller } from './auth';
import { HttpError, jsonRoute, parseBody } from './http';
import type { SecondFactor } from './secondFactor';
import type { Sessions } from './sessions';
import type { SignInLimiter } from './signInLimiter';

const code = z.string().regex(/^\d{6}$/, 'six digits');
export const totpBody = z.object({ code }).strict();
export const enrolBody = z.object({ password: z.string().min(1).max(256), code: code.optional() }).strict();

/** What the user is shown of their second factor's history (and what the audit log keeps of it). */
export const TOTP_ACTIONS = ['totp.enrol', 'totp.confirm', 'totp.reset'] as const;
type TotpAction = (typeof TOTP_ACTIONS)[number];
const HISTORY_LENGTH = 50;

export interface SecondFactorRouteDeps {
  auth: Auth;
  accounts: Accounts;
  sessions: Sessions;
  limiter: SignInLimiter;
  secondFactor: SecondFactor;
  logger: Logger;
}

/**
 * Enrolment needs the password, and a code of the current factor when there is one, so a stolen
 * session cannot swap the factor; an administrator can remove a lost one. Every enrolment,
 * confirmation and reset, allowed or refused, is audited and listed to the user.
 */
export function registerSecondFactorRoutes(server: Server, deps: SecondFactorRouteDeps): void {
  const { auth, accounts, sessions, limiter, secondFactor, logger } = deps;
  const route = (handler: Parameters<typeof jsonRoute>[0]) => jsonRoute(handler, logger, () => undefined);
  const actor = (caller: Caller) => ({ id: caller.user.id, roles: caller.user.roles });
  /** Runs `act`, auditing it under `action` for `userId` as allowed, or as refused with the reason. */
  const audited = async <T>(caller: Caller, action: TotpAction, userId: string, act: () => Promise<T>) => {
    try {
      const result = await act();
      await writeAudit(actor(caller), action, `user:${userId}`, 'allowed');
      return result;
    } catch (error) {
      if (error instanceof HttpError) {
        await writeAudit(actor(caller), action, `user:${userId}`, 'refused', { reason: error.message });
      }
      throw error;
    }
  };

  server.post(
    '/api/me/totp',
    route(async (req: Request) => {
      const caller = await auth.caller(req);
      const { user } = caller;
      const body = parseBody(enrolBody, req);
      return audited(caller, 'totp.enrol', user.id, async () => {
        const attempt = spend(await limiter.password(user.username, req.socket.remoteAddress ?? 'unknown'));
        if ((await accounts.verify(user.username, body.password))?.id !== user.id) {
          throw new HttpError(403, 'the password is wrong');
        }
        await attempt.succeeded();
        if (user.totpEnabled) {
          if (!body.code)
            throw new HttpError(403, 'a code of your current second factor is required to replace it');
          await secondFactor.require(user.id, user.username, body.code);
        }
        const enrolment = await secondFactor.enroll(user.id, user.username);
        logger.info({ userId: user.id }, 'second factor enrolment started');
        return enrolment;
      });
    }),
  );

  server.post(
    '/api/me/totp/verify',
    route(async (req: Request) => {
      const caller = await auth.caller(req);
      const { code } = parseBody(totpBody, req);
      await audited(caller, 'totp.confirm', caller.user.id, () =>
        secondFactor.confirm(caller.user.id, caller.user.username, code),
      );
      logger.info({ userId: caller.user.id }, 'second factor enrolled');
      return undefined;
    }),
  );

  server.get(
    '/api/me/totp/events',
    route(async (req: Request) => {
      const { user } = await auth.caller(req);
      const entries = await AuditLogModel.find({ target: `user:${user.id}`, action: { $in: TOTP_ACTIONS } })
        .sort({ at: -1 })
        .limit(HISTORY_LENGTH)
        .lean();
      return {
        events: entries.map((e) => ({
          at: e.at.toISOString(),
          action: e.action,
          outcome: e.outcome,
          by: e.actor === user.id ? 'you' : 'administrator',
        })),
      };
    }),
  );

  server.post(
    '/api/users/:id/totp/reset',
    route(async (req: Request) => {
      const caller = await auth.requireRole(req, 'admin');
      const id = String(req.params.id);
      const user = /^[0-9a-f]{24}$/.test(id) ? await accounts.byId(id) : undefined;
      if (!user) throw new HttpError(404, 'no such user');
      await audited(caller, 'totp.reset', user.id, async () => {
        await secondFactor.reset(user.id);
        // A sign-in with the removed factor no longer spares a code, even once a new one is enrolled.
        await sessions.forgetSecondFactor(user.id);
      });
      logger.warn({ by: caller.user.id, userId: user.id }, 'second factor reset by an administrator');
      return undefined;
    }),
  );
}
