import type { Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AuditLogModel, UserModel } from '../models';
import type { Auth } from './auth';
import { HttpError, jsonRoute, parseQuery } from './http';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

export const auditQuery = z
  .object({
    actor: z
      .string()
      .regex(/^[0-9a-f]{24}$/, 'a user id')
      .optional(),
    action: z.string().min(1).max(100).optional(),
    target: z.string().min(1).max(200).optional(),
    outcome: z.enum(['allowed', 'refused']).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  })
  .strict();

/** The audit log for administrators, newest first, filtered by who, what, on what, outcome and period. */
export function registerAuditRoutes(server: Server, deps: { auth: Auth; logger: Logger }): void {
  const { auth, logger } = deps;
  server.get(
    '/api/audit',
    jsonRoute(
      async (req) => {
        await auth.requireRole(req, 'admin');
        const query = parseQuery(auditQuery, req, 'invalid filter');
        if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
          throw new HttpError(400, 'invalid filter', ['from: after to']);
        }
        const at = {
          ...(query.from ? { $gte: new Date(query.from) } : {}),
          ...(query.to ? { $lte: new Date(query.to) } : {}),
        };
        const filter = {
          ...(query.actor ? { actor: query.actor } : {}),
          ...(query.action ? { action: query.action } : {}),
          ...(query.target ? { target: query.target } : {}),
          ...(query.outcome ? { outcome: query.outcome } : {}),
          ...(query.from || query.to ? { at } : {}),
        };
        const [entries, actions] = await Promise.all([
          AuditLogModel.find(filter)
            .sort({ at: -1 })
            .limit(query.limit + 1)
            .lean(),
          AuditLogModel.distinct('action'),
        ]);
        const shown = entries.slice(0, query.limit);
        const actorIds = [...new Set(shown.map((e) => e.actor))].filter((id) => /^[0-9a-f]{24}$/.test(id));
        const names = new Map(
          (await UserModel.find({ _id: { $in: actorIds } }, { username: 1 }).lean()).map((u) => [
            u._id.toHexString(),
            u.username,
          ]),
        );
        return {
          entries: shown.map((e) => ({
            at: e.at.toISOString(),
            actor: e.actor,
            ...(names.has(e.actor) ? { actorName: names.get(e.actor) } : {}),
            roles: e.roles,
            action: e.action,
            target: e.target,
            outcome: e.outcome,
            ...(e.details ? { details: e.details as Record<string, unknown> } : {}),
          })),
          more: entries.length > query.limit,
          actions: actions.sort(),
        };
      },
      logger,
      () => undefined,
    ),
  );
}
