import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { writeAudit } from '../models';
import type { User } from './accounts';
import type { Auth, Caller } from './auth';
import { EventStreams, HttpError, jsonRoute, parseQuery } from './http';
import {
  operationsFigures,
  type FiguresPolicy,
  type LiveCrisis,
  type LiveData,
  type OperationsFigures,
} from './operationsFigures';
import type { OperationsReads } from './operationsReads';

/** Who may open the operations view: supervisors and admins on every crisis, authority users on their own. */
export const OPERATIONS_ROLES = ['supervisor', 'admin', 'authority'];
const ALL = 'all';

export const operationsQuery = z.object({
  crisis: z
    .string()
    .regex(/^(all|[a-z0-9-]{3,64})$/, 'a crisis slug, or "all"')
    .default(ALL),
});

/** What a view is sent: the crises the caller may choose, which of them are exercises, and the figures. */
export interface OperationsView {
  crises: string[];
  exercises: string[];
  figures: OperationsFigures;
}

/**
 * The figures of the operations view, computed from the one shared read: each scope (a crisis, or
 * the crises a caller may see together) once per read, whoever asks, views and /metrics alike.
 */
export class LiveOperations {
  private readonly computed = new WeakMap<LiveData, Map<string, OperationsFigures>>();

  constructor(
    readonly reads: OperationsReads,
    readonly policy: FiguresPolicy,
  ) {}

  async figures(slugs: string[]): Promise<{ data: LiveData; figures: OperationsFigures }> {
    const data = await this.reads.data();
    const key = [...slugs].sort().join(',');
    let byScope = this.computed.get(data);
    if (!byScope) this.computed.set(data, (byScope = new Map()));
    let figures = byScope.get(key);
    if (!figures) byScope.set(key, (figures = operationsFigures(data, slugs, this.policy)));
    return { data, figures };
  }

  /** The active crises a user may see: all for supervisors and admins, their authority's for authority users. */
  async visibleCrises(user: User): Promise<LiveCrisis[]> {
    const { crises } = await this.reads.data();
    const everything = user.roles.includes('admin') || user.roles.includes('supervisor');
    return crises
      .filter((c) => everything || (c.authorityNis !== undefined && c.authorityNis === user.authorityNis))
      .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }

  /**
   * One crisis's figures, or "all": the real crises the user may see together. Exercises are never
   * among them (a drill's figures must not mix with real ones); each is chosen on its own.
   */
  async view(user: User, crisis: string): Promise<{ data: LiveData; view: OperationsView }> {
    // Looked at each time: a crisis activated since a stream opened joins "all".
    const visible = await this.visibleCrises(user);
    const slugs = crisis === ALL ? visible.filter((c) => !c.exercise).map((c) => c.slug) : [crisis];
    const { data, figures } = await this.figures(slugs);
    const exercises = visible.filter((c) => c.exercise).map((c) => c.slug);
    return { data, view: { crises: visible.map((c) => c.slug), exercises, figures } };
  }
}

export interface OperationsRouteDeps {
  auth: Auth;
  operations: LiveOperations;
  logger: Logger;
  /** How often each open stream looks for a new read (the reads themselves come at most every OPERATIONS_POLL_MS). */
  pollMs: number;
}

/**
 * The caller and the crises they asked for, or a refusal: another role is a 403, a crisis they may
 * not see (or that is not active) a 404 as one that does not exist; both are audited.
 */
async function scopeOf(
  req: Request,
  deps: OperationsRouteDeps,
  action: string,
): Promise<{ caller: Caller; crisis: string }> {
  const caller = await deps.auth.caller(req);
  const { user } = caller;
  const actor = { id: user.id, roles: user.roles };
  const asked = typeof req.query?.crisis === 'string' ? req.query.crisis : ALL;
  if (!OPERATIONS_ROLES.some((role) => user.roles.includes(role))) {
    await writeAudit(actor, action, `operations:${asked}`, 'refused', { reason: 'role' });
    throw new HttpError(403, `needs one of the roles: ${OPERATIONS_ROLES.join(', ')}`);
  }
  const { crisis } = parseQuery(operationsQuery, req);
  const visible = await deps.operations.visibleCrises(user);
  if (crisis !== ALL && !visible.some((c) => c.slug === crisis)) {
    await writeAudit(actor, action, `operations:${crisis}`, 'refused', { reason: 'not found' });
    throw new HttpError(404, 'no such crisis');
  }
  return { caller, crisis };
}

/** The operations view's API: figures once, and live over server-sent events. Returns a function that ends every stream. */
export function registerOperationsRoutes(server: Server, deps: OperationsRouteDeps): () => void {
  const { operations, logger } = deps;

  server.get(
    '/api/operations',
    jsonRoute(
      async (req) => {
        const { caller, crisis } = await scopeOf(req, deps, 'operations.view');
        return (await operations.view(caller.user, crisis)).view;
      },
      logger,
      () => undefined,
    ),
  );

  const streams = new EventStreams();
  server.get('/api/operations/events', async (req: Request, res: Response) => {
    let scope: Awaited<ReturnType<typeof scopeOf>>;
    try {
      scope = await scopeOf(req, deps, 'operations.stream');
    } catch (error) {
      const known = error instanceof HttpError ? error : undefined;
      if (!known) logger.error({ err: error }, 'operations stream refused');
      res.send(known?.status ?? 500, { error: known?.message ?? 'internal error' });
      return;
    }
    let sent: LiveData | undefined;
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const { data, view } = await operations.view(scope.caller.user, scope.crisis);
        if (data === sent) return;
        sent = data;
        res.write(`event: figures\ndata: ${JSON.stringify(view)}\n\n`);
      } catch (error) {
        logger.warn({ err: error }, 'operations stream read failed');
      } finally {
        busy = false;
      }
    };
    await streams.run(res, deps.pollMs, tick);
  });
  return () => streams.endAll();
}
