import { randomUUID } from 'node:crypto';
import { StandInServer } from './standIn';

export interface ReceivedActivity {
  type: string;
  text?: string;
  locale?: string;
  replyToId?: string;
  entities?: { type: string; [key: string]: unknown }[];
  suggestedActions?: { actions: { title: string; value: unknown }[] };
  [key: string]: unknown;
}

export interface CrisisReply {
  kind: string;
  lang: string;
  faqId?: string;
  options?: string[];
  queue?: string;
  position?: number;
  generated?: boolean;
  exercise?: boolean;
}

export function crisisReplyOf(activity: ReceivedActivity): CrisisReply | undefined {
  return activity.entities?.find((e) => e.type === 'crisis.reply') as CrisisReply | undefined;
}

/**
 * A Bot Framework channel on a local serviceUrl: it sends activities to the bot's
 * /api/messages and receives the bot's replies on the Connector API routes.
 */
export class TestChannel {
  private server?: StandInServer;
  private readonly received = new Map<string, ReceivedActivity[]>();
  private readonly waiters: (() => void)[] = [];
  /** Conversations whose next reply the channel refuses (403: the connector retries 5xx, not this). */
  private readonly refuseNext = new Set<string>();
  serviceUrl = '';

  /** The bot this channel talks to; tests point it at a restarted process. */
  constructor(public botUrl: string) {}

  async start(): Promise<void> {
    this.server = new StandInServer((req, body, res) => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end();
        return;
      }
      const conversationId = decodeURIComponent(match[1]!);
      if (this.refuseNext.delete(conversationId)) {
        res.statusCode = 403;
        res.end('{"error":"refused"}');
        return;
      }
      const activity = JSON.parse(body) as ReceivedActivity;
      const list = this.received.get(conversationId) ?? [];
      list.push(activity);
      this.received.set(conversationId, list);
      this.waiters.splice(0).forEach((wake) => wake());
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: randomUUID() }));
    });
    this.serviceUrl = await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  refuseNextReply(conversationId: string): void {
    this.refuseNext.add(conversationId);
  }

  activities(conversationId: string): ReceivedActivity[] {
    return this.received.get(conversationId) ?? [];
  }

  /** Waits until the conversation has received at least `count` activities. */
  async waitFor(conversationId: string, count: number, timeoutMs = 20_000): Promise<ReceivedActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.activities(conversationId).length < count) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `expected ${count} activities in ${conversationId}, got ${this.activities(conversationId).length}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.activities(conversationId);
  }

  conversation(
    options: { locale?: string; channelData?: Record<string, unknown>; id?: string } = {},
  ): TestConversation {
    return new TestConversation(
      this,
      options.id ?? `conv-${randomUUID()}`,
      options.locale,
      options.channelData,
    );
  }
}

export class TestConversation {
  readonly userId = `user-${randomUUID()}`;

  constructor(
    private readonly channel: TestChannel,
    readonly id: string,
    private readonly locale?: string,
    private readonly channelData?: Record<string, unknown>,
  ) {}

  activity(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      id: randomUUID(),
      channelId: 'test',
      serviceUrl: this.channel.serviceUrl,
      conversation: { id: this.id },
      from: { id: this.userId, name: 'Citizen' },
      recipient: { id: 'bot', name: 'crisis-bot' },
      timestamp: new Date().toISOString(),
      ...(this.locale ? { locale: this.locale } : {}),
      ...(this.channelData ? { channelData: this.channelData } : {}),
      ...extra,
    };
  }

  /** Posts an activity to the bot; resolves with the HTTP status once the turn has run. */
  async post(activity: Record<string, unknown>): Promise<{ status: number; body: string }> {
    const res = await fetch(`${this.channel.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    return { status: res.status, body: await res.text() };
  }

  /** Sends a citizen's message and returns the bot's replies to it. */
  async say(text: string, extra: Record<string, unknown> = {}): Promise<ReceivedActivity[]> {
    const activity = this.activity({ type: 'message', text, ...extra });
    const before = this.channel.activities(this.id).length;
    const { status, body } = await this.post(activity);
    if (status >= 300) throw new Error(`bot answered ${status}: ${body}`);
    return this.channel.activities(this.id).slice(before);
  }

  /** Opens the conversation as a channel does, which triggers the greeting. */
  async join(): Promise<ReceivedActivity[]> {
    const before = this.channel.activities(this.id).length;
    const { status } = await this.post(
      this.activity({ type: 'conversationUpdate', membersAdded: [{ id: this.userId }, { id: 'bot' }] }),
    );
    if (status >= 300) throw new Error(`bot answered ${status}`);
    return this.channel.activities(this.id).slice(before);
  }
}
