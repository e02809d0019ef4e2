import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { freePort } from './freePort';

/** The entity every reply to a citizen carries (docs/contract.md, "Reply metadata"). */
export interface CrisisReply {
  kind: string;
  lang?: string;
  faqId?: string;
  options?: string[];
  queue?: string;
}

interface Waiter {
  conversationId: string;
  resolve: (reply: CrisisReply) => void;
}

/**
 * A Bot Framework channel for measuring scripts: posts citizens' messages to a bot's
 * /api/messages and receives its replies on the Connector API routes of its own serviceUrl,
 * handing each conversation's first reply with a `crisis.reply` entity to whoever waits for it.
 */
export class ReplyChannel {
  private server: http.Server | undefined;
  private readonly waiters: Waiter[] = [];
  serviceUrl = '';

  constructor(private readonly botUrl: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"${randomUUID()}"}`);
        const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
        if (!match) return;
        const activity = JSON.parse(Buffer.concat(chunks).toString()) as {
          entities?: ({ type: string } & CrisisReply)[];
        };
        const reply = activity.entities?.find((e) => e.type === 'crisis.reply');
        if (!reply) return;
        const conversationId = decodeURIComponent(match[1]!);
        const index = this.waiters.findIndex((w) => w.conversationId === conversationId);
        if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(reply);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    const port = await freePort();
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.serviceUrl = `http://127.0.0.1:${port}`;
  }

  /**
   * Sends one message, in a new conversation unless one is named, and resolves with the bot's
   * first reply to it. The bot has sent all of a turn's activities before it answers the POST,
   * so a later message's reply is never taken from an earlier turn.
   */
  async ask(
    text: string,
    locale: string,
    timeoutMs: number,
    conversationId = `eval-${randomUUID()}`,
  ): Promise<CrisisReply> {
    const replied = new Promise<CrisisReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        conversationId,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      });
    });
    const response = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        text,
        locale,
        channelId: 'emulator',
        serviceUrl: this.serviceUrl,
        from: { id: `citizen-${conversationId}` },
        recipient: { id: 'bot' },
        conversation: { id: conversationId },
        timestamp: new Date().toISOString(),
      }),
    });
    if (!response.ok) throw new Error(`the bot answered ${response.status}`);
    return replied;
  }

  close(): void {
    this.server?.close();
  }
}
