import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { StandInServer } from './standIn';

/** What a chat completion request carries (the part the tests look at). */
export interface ChatRequest {
  model: string;
  temperature?: number;
  response_format?: { type: string };
  messages: { role: string; content: string }[];
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatRequest;
}

/** One scripted reply of the fake model service. */
export interface ScriptedReply {
  /** The assistant message's content; anything but a string is sent as its JSON. */
  content?: unknown;
  /** An HTTP error status instead of a completion. */
  status?: number;
  /** A response body sent as it is (a broken service). */
  rawBody?: string;
  /** Waits this long before answering. */
  delayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export type Responder = (request: ChatRequest) => ScriptedReply;

const DEFAULT_USAGE = { prompt_tokens: 50, completion_tokens: 10 };

/**
 * A local stand-in for an OpenAI-compatible service (`POST /v1/chat/completions`): it records every
 * request and answers from a script, one reply per request, then from a default responder (500 when
 * none is set, so an unexpected call is visible).
 */
export class FakeOpenAi {
  readonly requests: RecordedRequest[] = [];
  private readonly script: (ScriptedReply | Responder)[] = [];
  private responder: Responder | undefined;
  private server: StandInServer | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = new StandInServer((req, raw, res) => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const body = JSON.parse(raw) as ChatRequest;
      this.requests.push({ path: req.url, headers: req.headers, body });
      const next = this.script.shift() ?? this.responder;
      const reply = typeof next === 'function' ? next(body) : next;
      setTimeout(() => this.send(res, body, reply), reply?.delayMs ?? 0).unref();
    });
    this.url = `${await this.server.start()}/v1`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** Replies for the next requests, in order. */
  queue(...replies: (ScriptedReply | Responder)[]): void {
    this.script.push(...replies);
  }

  /** How requests are answered once the queue is empty. */
  respondWith(responder: Responder | undefined): void {
    this.responder = responder;
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.responder = undefined;
  }

  private send(res: ServerResponse, body: ChatRequest, reply: ScriptedReply | undefined): void {
    if (res.destroyed || res.writableEnded) return;
    // Status set as a property: restify, loaded in the same process, replaces writeHead.
    res.setHeader('content-type', 'application/json');
    if (!reply) {
      res.statusCode = 500;
      res.end(JSON.stringify({ error: { message: 'no scripted reply' } }));
      return;
    }
    if (reply.rawBody !== undefined) {
      res.statusCode = reply.status ?? 200;
      res.end(reply.rawBody);
      return;
    }
    if (reply.status && reply.status >= 400) {
      res.statusCode = reply.status;
      res.end(JSON.stringify({ error: { message: 'scripted failure' } }));
      return;
    }
    const usage = reply.usage ?? DEFAULT_USAGE;
    const content = typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content ?? {});
    res.end(
      JSON.stringify({
        id: `chatcmpl-${this.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
  }
}

/** The JSON objects of a request's user messages, in order. */
export function userObjects(request: ChatRequest): Record<string, unknown>[] {
  return request.messages
    .filter((m) => m.role === 'user')
    .map((m) => JSON.parse(m.content) as Record<string, unknown>);
}
