import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ReceivedActivity } from './testChannel';

export interface Session {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl: string;
}

export interface ActivitySet {
  activities: ReceivedActivity[];
  watermark: string;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A Direct Line 3.0 client as DirectLineJS behaves, over HTTP and the WebSocket stream. */
export class DirectLineClient {
  conversationId = '';
  token = '';
  streamUrl = '';

  constructor(readonly domain: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string | null } = {},
  ): Promise<Answer<T>> {
    const token = options.token === undefined ? this.token : options.token;
    const res = await fetch(`${this.domain}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Starts a conversation (with the token of one given by the page, or anonymously). */
  async start(locale?: string): Promise<Answer<Session>> {
    const res = await this.request<Session>('POST', '/conversations', {
      body: { user: {}, ...(locale ? { locale } : {}) },
      token: this.token || null,
    });
    if (res.status < 300) this.adopt(res.body);
    return res;
  }

  adopt(session: Session): void {
    this.conversationId = session.conversationId;
    this.token = session.token;
    this.streamUrl = session.streamUrl;
  }

  /** Posts a message as Web Chat does (with its clientActivityID); answers the status and the id. */
  post(activity: Record<string, unknown>, conversationId = this.conversationId) {
    return this.request<{ id: string }>('POST', `/conversations/${conversationId}/activities`, {
      body: {
        from: { id: 'web-chat-user', role: 'user' },
        channelData: { clientActivityID: randomUUID() },
        ...activity,
      },
    });
  }

  say(text: string, extra: Record<string, unknown> = {}) {
    return this.post({ type: 'message', text, ...extra });
  }

  activities(watermark = '', conversationId = this.conversationId) {
    return this.request<ActivitySet>(
      'GET',
      `/conversations/${conversationId}/activities?watermark=${watermark}`,
    );
  }

  /** Reconnects as DirectLineJS does after a dropped stream: a fresh token and a streamUrl from the watermark. */
  async reconnect(watermark: string): Promise<Answer<Session>> {
    const res = await this.request<Session>(
      'GET',
      `/conversations/${this.conversationId}?watermark=${watermark}`,
    );
    if (res.status === 200) this.adopt(res.body);
    return res;
  }

  openStream(url = this.streamUrl): Promise<Stream> {
    return Stream.open(url);
  }
}

/** An open activity stream and the activity sets it has pushed so far. */
export class Stream {
  readonly sets: ActivitySet[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text) this.sets.push(JSON.parse(text) as ActivitySet);
    });
  }

  static open(url: string): Promise<Stream> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new Stream(socket)));
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`stream refused: ${res.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  get activities(): ReceivedActivity[] {
    return this.sets.flatMap((set) => set.activities);
  }

  async waitFor(matches: (activity: ReceivedActivity) => boolean, what: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.activities.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} on the stream within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
