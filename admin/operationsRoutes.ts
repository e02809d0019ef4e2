import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { writeAudit } from '../models';
import type { User } from './accounts';
import type { Auth, Caller } from './auth';
import { HttpError, jsonRoute, parseQuery } from './http';
import {
  operationsFigures,
  type FiguresPolicy,
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
  async visibleCrises(user: User): Promise<string[]> {
    const { crises } = await this.reads.data();
    const everything = user.roles.includes('admin') || user.roles.includes('supervisor');
    return crises
      .filter((c) => everything || (c.authorityNis !== undefined && c.authorityNis === user.authorityNis))
      .map((c) => c.slug)
      .sort();
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
): Promise<{ caller: Caller; crisis: string; slugs: string[]; visible: string[] }> {
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
  if (crisis !== ALL && !visible.includes(crisis)) {
    await writeAudit(actor, action, `operations:${crisis}`, 'refused', { reason: 'not found' });
    throw new HttpError(404, 'no such crisis');
  }
  return { caller, crisis, slugs: crisis === ALL ? visible : [crisis], visible };
}

/** The operations view's API: figures once, and live over server-sent events. Returns a function that ends every stream. */
export function registerOperationsRoutes(server: Server, deps: OperationsRouteDeps): () => void {
  const { operations, logger } = deps;

  server.get(
    '/api/operations',
    jsonRoute(
      async (req) => {
        const { slugs, visible } = await scopeOf(req, deps, 'operations.view');
        const { figures } = await operations.figures(slugs);
        return { crises: visible, figures };
      },
      logger,
      () => undefined,
    ),
  );

  const open = new Set<Response>();
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
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    open.add(res);
    let sent: LiveData | undefined;
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        // Looked at again each time: a crisis activated since the stream opened joins "all".
        const visible = await operations.visibleCrises(scope.caller.user);
        const { data, figures } = await operations.figures(scope.crisis === ALL ? visible : scope.slugs);
        if (data === sent) return;
        sent = data;
        res.write(`event: figures\ndata: ${JSON.stringify({ crises: visible, figures })}\n\n`);
      } catch (error) {
        logger.warn({ err: error }, 'operations stream read failed');
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), deps.pollMs);
    res.on('close', () => {
      clearInterval(timer);
      open.delete(res);
    });
    await tick();
  });
  return () => {
    for (const res of open) res.end();
  };
}
