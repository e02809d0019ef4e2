import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { IntakeCipher } from '../handoff';
import { InsertLocks } from '../models';
import { ConversationStarts } from './conversationStarts';
import { DirectLineActivities, type KeyedQueue } from './directLineActivities';
import {
  MAX_POSTED_BYTES,
  postedActivitySchema,
  startBodySchema,
  watermarkSchema,
  type PostedActivity,
} from './directLineActivitySchema';
import type { ConversationGrant, DirectLineTokens, IssuedToken } from './directLineTokens';
import type { LocalChannels } from './localChannels';

const DIRECT_LINE_PATH = '/v3/directline';
const CHANNEL_ID = 'directline';
const BOT = { id: 'crisis-bot', name: 'Crisis bot', role: 'bot' };
/** New streamUrls (reconnects) per conversation and minute, in each process: DirectLineJS needs a few after network blips. */
const RECONNECTS_PER_MINUTE = 10;
/** Close code a replaced stream gets (private range). */
const REPLACED = 4001;
const STREAM_PATH = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{1,64})\/stream$/;

export interface DirectLineDeps {
  localChannels: LocalChannels;
  tokens: DirectLineTokens;
  /** Seals the stored activities: citizens write personal details in chats. */
  cipher: IntakeCipher;
  starts: ConversationStarts;
  /** Serialises this process's appends per conversation (the bot's ConversationQueue). */
  appendQueue: KeyedQueue;
  /** How often an open stream looks for activities another process stored. */
  pollMs: number;
  /** The public address of the bot (`https://chat.example.org`): streamUrls point there; needed beyond loopback. */
  publicUrl?: string;
  logger: Logger;
}

/** A new conversation for the chat page: its id, token, and the citizen's id in it. */
export interface NewConversation extends IssuedToken {
  conversationId: string;
  userId: string;
}

export class TooManyStarts extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many new conversations from this address');
  }
}

/** Names a client may reach the bot by when PUBLIC_URL is unset (a local run). */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Where streams are offered without PUBLIC_URL: the loopback name the client used (else
 * localhost) and the port its connection reached. The Host header is never echoed, so a forged
 * one cannot send the citizen's stream, and its credential, to another server.
 */
function localBase(req: Request): string {
  const named = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const host = LOOPBACK_NAMES.includes(named) ? named : 'localhost';
  return `http://${host}:${req.socket.localPort}`;
}

type Failure = { status: number; code: string; message: string; details?: string[] };

function fail(res: Response, { status, code, message, details }: Failure): void {
  res.send(status, { error: { code, message, ...(details ? { details } : {}) } });
}

const problemsOf = (issues: { path: PropertyKey[]; message: string }[]) =>
  issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`);

/**
 * A Direct Line 3.0 endpoint of the bot's own (what Web Chat's DirectLineJS calls with `domain`
 * set to it): conversations, activities with watermarks, a WebSocket stream, tokens scoped to
 * one conversation. Activities live in the database, so any process serves any conversation;
 * the bot reaches it as a local channel.
 */
export class DirectLine {
  private readonly serviceUrl: string;
  private readonly activities: DirectLineActivities;
  /** One record per started conversation: the first start, in any process, sends the welcome. */
  private readonly started = new InsertLocks('directlinestarts');
  private readonly sockets = new Set<WebSocket>();
  /** The stream credentials already used, in any process: each opens one stream. */
  private readonly usedStreamCredentials = new InsertLocks('directlinestreams');
  /** The live stream of each conversation in this process: a new one replaces it. */
  private readonly liveStreams = new Map<string, WebSocket>();
  /** The same per-minute budget as conversation starts, here per conversation. */
  private readonly reconnects: ConversationStarts;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  constructor(private readonly deps: DirectLineDeps) {
    this.activities = new DirectLineActivities(deps.cipher, deps.appendQueue);
    this.reconnects = new ConversationStarts(RECONNECTS_PER_MINUTE);
    this.serviceUrl = deps.localChannels.register(CHANNEL_ID, {
      send: async (conversationId, activity) => {
        const stored = await this.activities.append(conversationId, () => ({
          ...activity,
          channelId: CHANNEL_ID,
          conversation: { id: conversationId },
          from: activity.from ?? BOT,
          timestamp: new Date().toISOString(),
        }));
        return { id: stored.activity.id };
      },
    });
  }

  /** A conversation for a citizen at `address`, started from the entry link of `crisis`. */
  async newConversation(address: string, crisis?: string): Promise<NewConversation> {
    const grant = await this.grant(address, crisis);
    return {
      conversationId: grant.conversationId,
      userId: grant.userId,
      ...(await this.deps.tokens.issue(grant)),
    };
  }

  private async grant(address: string, crisis?: string): Promise<ConversationGrant> {
    const wait = await this.deps.starts.take(address);
    if (wait > 0) throw new TooManyStarts(wait);
    return {
      conversationId: randomBytes(16).toString('base64url'),
      userId: `dl_${randomBytes(12).toString('base64url')}`,
      since: Math.floor(Date.now() / 1000),
      ...(crisis ? { crisis } : {}),
    };
  }

  register(server: Server): void {
    const conversation = `${DIRECT_LINE_PATH}/conversations/:conversationId`;
    // restify tells async handlers from callback ones by their kind: these must stay async.
    const route =
      (handle: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) =>
        this.answering(req, res, handle);
    server.post(
      `${DIRECT_LINE_PATH}/conversations`,
      route((req, res) => this.start(req, res)),
    );
    server.get(
      conversation,
      route((req, res) => this.reconnect(req, res)),
    );
    server.post(
      `${conversation}/activities`,
      route((req, res) => this.post(req, res)),
    );
    server.get(
      `${conversation}/activities`,
      route((req, res) => this.read(req, res)),
    );
    server.post(
      `${DIRECT_LINE_PATH}/tokens/refresh`,
      route((req, res) => this.refresh(req, res)),
    );
    // The only WebSocket endpoint of the server: any other upgrade request is refused here.
    server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'Direct Line stream failed to open');
        socket.destroy();
      });
    });
  }

  /** Runs a route; a fault is logged and answered without its detail (ids, database messages). */
  private async answering(
    req: Request,
    res: Response,
    handle: (req: Request, res: Response) => Promise<void>,
  ): Promise<void> {
    try {
      await handle(req, res);
    } catch (error) {
      this.deps.logger.error({ err: error, url: req.url }, 'Direct Line request failed');
      if (res.headersSent) return;
      fail(res, { status: 500, code: 'ServiceError', message: 'the request could not be served: try again' });
    }
  }

  /** Chats are a transport, not an archive: what is older than `cutoff` is deleted (a scan: run it rarely). */
  async purgeOlderThan(cutoff: Date): Promise<void> {
    await Promise.all([
      this.activities.purgeOlderThan(cutoff),
      this.started.purgeOlderThan(cutoff),
      this.usedStreamCredentials.purgeOlderThan(cutoff),
    ]);
  }

  /** Closes every open stream (shutdown). */
  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
  }

  private async start(req: Request, res: Response): Promise<void> {
    const body = startBodySchema.safeParse(req.body);
    if (!body.success) {
      return fail(res, {
        status: 400,
        code: 'BadArgument',
        message: 'invalid start',
        details: problemsOf(body.error.issues),
      });
    }
    let grant: ConversationGrant | undefined;
    if (req.headers.authorization === undefined) {
      try {
        grant = await this.grant(req.socket.remoteAddress ?? 'unknown');
      } catch (error) {
        if (!(error instanceof TooManyStarts)) throw error;
        res.header('retry-after', String(error.retryAfterSeconds));
        return fail(res, { status: 429, code: 'TooManyRequests', message: error.message });
      }
    } else {
      grant = await this.authorize(req, res);
      if (!grant) return;
    }
    const first = await this.started.take(grant.conversationId);
    if (first) {
      this.activities.started(grant.conversationId);
      await this.welcome(grant, body.data?.locale);
    } else if (!(await this.reconnectAllowed(res, grant.conversationId))) return;
    res.send(first ? 201 : 200, await this.session(req, grant, 0));
  }

  private async reconnect(req: Request, res: Response): Promise<void> {
    const grant = await this.authorize(req, res, req.params.conversationId as string);
    if (!grant) return;
    const watermark = this.watermarkOf(req, res);
    if (watermark === undefined) return;
    if (!(await this.reconnectAllowed(res, grant.conversationId))) return;
    res.send(200, await this.session(req, grant, watermark));
  }

  /** False once the 429 is answered: a client reconnecting in a loop gets no more streamUrls for a while. */
  private async reconnectAllowed(res: Response, conversationId: string): Promise<boolean> {
    const wait = await this.reconnects.take(conversationId);
    if (wait === 0) return true;
    res.header('retry-after', String(wait));
    fail(res, { status: 429, code: 'TooManyRequests', message: 'too many reconnects: try again later' });
    return false;
  }

  private async refresh(req: Request, res: Response): Promise<void> {
    const grant = await this.authorize(req, res);
    if (!grant) return;
    const { token, expiresIn } = await this.deps.tokens.issue(grant);
    res.send(200, { conversationId: grant.conversationId, token, expires_in: expiresIn });
  }

  private async post(req: Request, res: Response): Promise<void> {
    const grant = await this.authorize(req, res, req.params.conversationId as string);
    if (!grant) return;
    if (Buffer.byteLength(JSON.stringify(req.body ?? null)) > MAX_POSTED_BYTES) {
      return fail(res, {
        status: 413,
        code: 'MessageSizeTooBig',
        message: `an activity may not exceed ${MAX_POSTED_BYTES} bytes`,
      });
    }
    const posted = postedActivitySchema.safeParse(req.body);
    if (!posted.success) {
      return fail(res, {
        status: 400,
        code: 'BadArgument',
        message: 'invalid activity',
        details: problemsOf(posted.error.issues),
      });
    }
    const { activity } = await this.activities.append(grant.conversationId, (id) =>
      this.citizenActivity(id, grant, posted.data),
    );
    try {
      await this.deps.localChannels.deliver(activity as unknown as Activity);
    } catch (error) {
      this.deps.logger.error({ err: error, conversationId: grant.conversationId }, 'Direct Line turn failed');
      return fail(res, { status: 502, code: 'BotError', message: 'the bot could not take the activity' });
    }
    res.send(200, { id: activity.id });
  }

  private async read(req: Request, res: Response): Promise<void> {
    const grant = await this.authorize(req, res, req.params.conversationId as string);
    if (!grant) return;
    const watermark = this.watermarkOf(req, res);
    if (watermark === undefined) return;
    const set = await this.activities.after(grant.conversationId, watermark);
    res.send(200, { activities: set.activities, watermark: String(set.watermark) });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = STREAM_PATH.exec(url.pathname);
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!route) return refuse('404 Not Found');
    const checked = await this.deps.tokens.checkStream(url.searchParams.get('t') ?? '');
    if (!checked.ok || checked.grant.conversationId !== route[1]) return refuse('403 Forbidden');
    const watermark = watermarkSchema.safeParse(url.searchParams.get('watermark') ?? '');
    if (!watermark.success) return refuse('400 Bad Request');
    if (!(await this.usedStreamCredentials.take(checked.tokenId))) return refuse('403 Forbidden');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.stream(ws, route[1]!, watermark.data));
  }

  /**
   * Sends each activity set after the watermark as it is stored: at once for this process's
   * appends, at the next poll for other processes'. One read at a time per stream, and one live
   * stream per conversation in this process: a newer one closes the older.
   */
  private stream(ws: WebSocket, conversationId: string, watermark: number): void {
    this.sockets.add(ws);
    this.liveStreams.get(conversationId)?.close(REPLACED, 'replaced by a newer stream');
    this.liveStreams.set(conversationId, ws);
    let sent = watermark;
    let reading = false;
    let again = false;
    const push = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          for (;;) {
            const set = await this.activities.after(conversationId, sent);
            if (set.activities.length === 0 || ws.readyState !== ws.OPEN) break;
            sent = set.watermark;
            ws.send(JSON.stringify({ activities: set.activities, watermark: String(sent) }));
          }
        } while (again);
      } catch (error) {
        this.deps.logger.warn(
          { err: error, conversationId },
          'Direct Line stream read failed; next poll retries',
        );
      } finally {
        reading = false;
      }
    };
    const unsubscribe = this.activities.onAppend(conversationId, () => void push());
    const poll = setInterval(() => void push(), this.deps.pollMs);
    // Without a listener, a socket's error (a malformed frame, a reset) would throw and end the process.
    ws.on('error', (error) =>
      this.deps.logger.debug({ err: error, conversationId }, 'Direct Line stream error'),
    );
    ws.on('close', () => {
      unsubscribe();
      clearInterval(poll);
      this.sockets.delete(ws);
      if (this.liveStreams.get(conversationId) === ws) this.liveStreams.delete(conversationId);
    });
    void push();
  }

  /** The token's grant, or undefined once the failure is answered (401 no or bad token, 403 expired or another conversation's). */
  private async authorize(
    req: Request,
    res: Response,
    conversationId?: string,
  ): Promise<ConversationGrant | undefined> {
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) {
      fail(res, {
        status: 401,
        code: 'Unauthorized',
        message: 'a Direct Line token is required (Authorization: Bearer)',
      });
      return undefined;
    }
    const checked = await this.deps.tokens.check(bearer);
    if (!checked.ok) {
      fail(
        res,
        checked.reason === 'expired'
          ? { status: 403, code: 'TokenExpired', message: 'the token has expired' }
          : { status: 401, code: 'Unauthorized', message: 'the token is not valid' },
      );
      return undefined;
    }
    if (conversationId !== undefined && checked.grant.conversationId !== conversationId) {
      fail(res, { status: 403, code: 'Forbidden', message: 'the token is for another conversation' });
      return undefined;
    }
    return checked.grant;
  }

  private watermarkOf(req: Request, res: Response): number | undefined {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const parsed = watermarkSchema.safeParse(query.watermark ?? '');
    if (parsed.success) return parsed.data;
    fail(res, {
      status: 400,
      code: 'BadArgument',
      message: 'invalid watermark',
      details: problemsOf(parsed.error.issues),
    });
    return undefined;
  }

  /** What a client needs to go on: a fresh token and a stream from the watermark. */
  private async session(req: Request, grant: ConversationGrant, watermark: number) {
    const { token, expiresIn } = await this.deps.tokens.issue(grant);
    const base = this.deps.publicUrl ?? localBase(req);
    const stream = new URL(`${DIRECT_LINE_PATH}/conversations/${grant.conversationId}/stream`, base);
    stream.protocol = stream.protocol === 'https:' ? 'wss:' : 'ws:';
    stream.searchParams.set('watermark', String(watermark));
    stream.searchParams.set('t', await this.deps.tokens.issueStream(grant));
    return {
      conversationId: grant.conversationId,
      token,
      expires_in: expiresIn,
      streamUrl: stream.toString(),
    };
  }

  /** Tells the bot the citizen joined, so it welcomes them (with the entry link's crisis, in their locale). */
  private async welcome(grant: ConversationGrant, locale: string | undefined): Promise<void> {
    const user = { id: grant.userId, role: 'user' };
    await this.deps.localChannels.deliver({
      type: 'conversationUpdate',
      id: randomBytes(12).toString('base64url'),
      timestamp: new Date(),
      channelId: CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      conversation: { id: grant.conversationId },
      from: user,
      recipient: BOT,
      membersAdded: [BOT, user],
      ...(locale ? { locale } : {}),
      ...(grant.crisis ? { channelData: { crisis: grant.crisis } } : {}),
    } as unknown as Activity);
  }

  /** The citizen's activity as the server records it: ids, sender, time and serviceUrl are the server's. */
  private citizenActivity(
    id: string,
    grant: ConversationGrant,
    posted: PostedActivity,
  ): Record<string, unknown> {
    const clientActivityID = posted.channelData?.clientActivityID;
    const crisis = posted.channelData?.crisis ?? grant.crisis;
    return {
      type: posted.type,
      id,
      timestamp: new Date().toISOString(),
      channelId: CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      conversation: { id: grant.conversationId },
      from: { id: grant.userId, role: 'user', ...(posted.from?.name ? { name: posted.from.name } : {}) },
      recipient: BOT,
      ...(posted.locale ? { locale: posted.locale } : {}),
      ...(posted.type === 'message'
        ? { text: posted.text, textFormat: 'plain' }
        : { name: posted.name, value: posted.value }),
      channelData: {
        ...(clientActivityID ? { clientActivityID } : {}),
        ...(crisis ? { crisis } : {}),
      },
    };
  }
}
