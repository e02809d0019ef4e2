import restify, { type Request, type Response, type Server } from 'restify';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { isLocalServiceUrl } from '../channels';
import { activityProblems } from './activitySchema';
import { crossSiteRefusal } from './crossSiteGuard';

/** Largest request body accepted; a Bot Framework activity with a 2,000-character message is far below it. */
export const MAX_BODY_BYTES = 256 * 1024;
/**
 * How long an idle connection stays open. Node's default (5 s) is shorter than the idle timeouts
 * of the proxies and clients in front of a bot (Azure's load balancers, a channel's connection
 * pool): one of them reusing a connection the bot is closing at that moment loses the message.
 */
export const KEEP_ALIVE_MS = 65_000;

export interface ServerDeps {
  adapter: CloudAdapter;
  /** The turn: serialised per conversation by the caller, since local channels run turns too. */
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  /** Channel ids only the bot's own channels may carry (see LocalChannels.isOwnChannelId). */
  isOwnChannel: (channelId: string) => boolean;
  /** Hosts the bot may answer to when authentication is off (no open relay). */
  allowedServiceUrlHosts: string[] | 'any';
  /**
   * Ports of those hosts it never answers to with authentication off: its own services'
   * (database, model) and any configured; its own HTTP port is added here.
   */
  refusedServiceUrlPorts: number[];
  isHealthy: () => Promise<{ healthy: boolean; details: Record<string, unknown> }>;
  /** The origin browsers see the bot at behind a proxy (PUBLIC_URL's), besides the request's Host. */
  publicOrigin?: string;
  /** The operator API and consoles, on the same server. */
  routes?: (server: Server) => void;
}

export interface BotServer {
  server: Server;
  /** Stops taking new messages (503) while in-flight turns finish. */
  drain(): void;
}

function problem(res: Response, status: number, error: string, details?: string[]): void {
  res.send(status, { error, ...(details ? { details } : {}) });
}

export function createServer(deps: ServerDeps): BotServer {
  const server = restify.createServer({ name: 'crisis-contact-bot', handleUncaughtExceptions: false });
  server.server.keepAliveTimeout = KEEP_ALIVE_MS;
  // A request's headers may take as long as the connection may idle, or Node cuts it short.
  server.server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  let draining = false;
  const refusedPorts = () => {
    const own = server.address();
    return typeof own === 'object' && own
      ? [own.port, ...deps.refusedServiceUrlPorts]
      : deps.refusedServiceUrlPorts;
  };

  // A request without a body (a DELETE from fetch sends neither header) has nothing to parse;
  // restify's body parser would otherwise refuse its missing content type with 415.
  server.pre((req: Request, _res: Response, next: () => void) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      req.headers['content-length'] = '0';
    }
    next();
  });
  // The operator API, whose session cookie a browser sends by itself; /api/messages has no cookie.
  server.pre((req: Request, res: Response, next: (stop?: false) => void) => {
    const path = req.url?.split('?')[0] ?? '';
    const refusal =
      path.startsWith('/api/') && path !== '/api/messages' && crossSiteRefusal(req, deps.publicOrigin);
    if (!refusal) return next();
    deps.logger.warn({ url: path, origin: req.headers.origin }, 'cross-site request refused');
    problem(res, refusal.status, refusal.error);
    next(false);
  });
  server.use(
    restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }),
  );
  server.use(restify.plugins.queryParser({ mapParams: false }));

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (draining) return problem(res, 503, 'shutting down');
    const problems = activityProblems(req.body);
    if (problems.length > 0) return problem(res, 400, 'invalid activity', problems);
    const body = req.body as { serviceUrl: string; channelId: string };
    // Replies to these go in-process to a channel the bot serves itself; from outside, with or
    // without authentication, claiming one would inject messages into a citizen's conversation.
    if (isLocalServiceUrl(body.serviceUrl)) {
      return problem(res, 403, 'serviceUrl reserved for channels this bot serves itself');
    }
    if (deps.isOwnChannel(body.channelId)) {
      return problem(res, 403, 'channel served by this bot itself: its activities never come through here');
    }
    if (deps.allowedServiceUrlHosts !== 'any') {
      const url = new URL(body.serviceUrl);
      const host = url.hostname.toLowerCase();
      if (!deps.allowedServiceUrlHosts.includes(host)) {
        deps.logger.warn({ host }, 'serviceUrl refused: host not allowed');
        return problem(res, 403, 'serviceUrl host not allowed', [host]);
      }
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      if (refusedPorts().includes(port)) {
        deps.logger.warn({ host, port }, "serviceUrl refused: a port of the bot's own services");
        return problem(res, 403, 'serviceUrl port not allowed', [String(port)]);
      }
    }
    await deps.adapter.process(req, res, deps.logic);
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const { healthy, details } = await deps.isHealthy();
    const ok = healthy && !draining;
    res.send(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', draining, ...details });
  });

  deps.routes?.(server);

  server.on(
    'restifyError',
    (req: Request, res: Response, err: Error & { statusCode?: number }, next: () => void) => {
      if ((err.statusCode ?? 500) >= 500) {
        deps.logger.error({ err, url: req.url }, 'request failed');
        // The log has the detail; the caller gets none (ids, database messages).
        Object.assign(err, { toJSON: () => ({ code: 'Internal', message: 'internal error' }) });
      }
      next();
    },
  );

  return {
    server,
    drain: () => {
      draining = true;
    },
  };
}
