import { createHash, timingSafeEqual } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { IntakeCipher } from '../handoff';
import type { Lang } from '../knowledge';
import { daysBefore, InsertLocks } from '../models';
import type { LocalChannels } from './localChannels';
import { WhatsAppContacts } from './whatsappContacts';
import { WhatsAppGraph } from './whatsappGraph';
import {
  inboundMessages,
  webhookPayloadSchema,
  type InboundMessage,
  type WebhookPayload,
} from './whatsappPayload';
import { WhatsAppSender } from './whatsappSender';
import { isSignedByMeta } from './whatsappSignature';

const WEBHOOK_PATH = '/whatsapp/webhook';
const CHANNEL_ID = 'whatsapp';

export interface WhatsAppSettings {
  verifyToken: string;
  appSecret: string;
  accessToken: string;
  phoneNumberId: string;
  graphUrl: string;
  apiVersion: string;
}

export interface WhatsAppDeps {
  settings: WhatsAppSettings;
  localChannels: LocalChannels;
  /** The data key: seals citizens' numbers at rest. */
  cipher: IntakeCipher;
  /** Bot strings (locales/): the label of the button that opens a list of choices. */
  translate: (lang: Lang, key: string) => string;
  logger: Logger;
}

/** Meta redelivers a notification it got no 200 for during up to seven days. */
const REDELIVERY_DAYS = 7;
const SWEEP_MS = 60 * 60 * 1000;

const handshakeSchema = z.object({
  'hub.mode': z.string(),
  'hub.verify_token': z.string().max(512),
  'hub.challenge': z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be a short token'),
});

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * restify's JSON parser keeps the body it read as a UTF-8 string: encoded again it gives back the
 * bytes Meta signed. A body that was not valid UTF-8 would not, and fails the signature check.
 */
function rawBodyOf(req: Request): Buffer {
  const raw = (req as Request & { rawBody?: string | Buffer }).rawBody;
  if (raw === undefined) return Buffer.alloc(0);
  return typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
}

/**
 * The WhatsApp Business Cloud API webhook: Meta's verification handshake, signed notifications
 * acknowledged at once and processed after, citizens' messages delivered to the bot as a local
 * channel, and the bot's replies sent back through the Graph API (whatsappSender.ts).
 */
export class WhatsAppChannel {
  private readonly contacts: WhatsAppContacts;
  private readonly seen = new InsertLocks('whatsappmessages');
  private readonly serviceUrl: string;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly deps: WhatsAppDeps) {
    const { settings, logger } = deps;
    this.contacts = new WhatsAppContacts(deps.cipher.deriveKey('whatsapp-conversations'), deps.cipher);
    const graph = new WhatsAppGraph({
      baseUrl: settings.graphUrl,
      version: settings.apiVersion,
      phoneNumberId: settings.phoneNumberId,
      accessToken: settings.accessToken,
      logger,
    });
    this.serviceUrl = deps.localChannels.register(
      CHANNEL_ID,
      new WhatsAppSender(this.contacts, graph, deps.translate, logger),
    );
    this.sweep = setInterval(() => {
      this.purge(new Date()).catch((error: unknown) => logger.error({ err: error }, 'WhatsApp sweep failed'));
    }, SWEEP_MS).unref();
  }

  routes(server: Server): void {
    server.get(WEBHOOK_PATH, async (req: Request, res: Response) => this.handshake(req, res));
    server.post(WEBHOOK_PATH, async (req: Request, res: Response) => this.notification(req, res));
  }

  /** Stops the sweep and waits for the notifications being processed. */
  async close(): Promise<void> {
    clearInterval(this.sweep);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Numbers whose window has closed, and the record of message ids Meta can no longer redeliver. */
  private async purge(now: Date): Promise<void> {
    await this.contacts.purgeClosed(now);
    await this.seen.purgeOlderThan(daysBefore(now, REDELIVERY_DAYS));
  }

  private async handshake(req: Request, res: Response): Promise<void> {
    const query = handshakeSchema.safeParse(req.query ?? {});
    if (!query.success) {
      res.send(400, {
        error: 'invalid verification request',
        details: query.error.issues.map((i) => i.message),
      });
      return;
    }
    const q = query.data;
    if (q['hub.mode'] !== 'subscribe' || !sameSecret(q['hub.verify_token'], this.deps.settings.verifyToken)) {
      res.send(403, { error: 'verification refused' });
      return;
    }
    res.setHeader('content-type', 'text/plain');
    res.sendRaw(200, q['hub.challenge']);
  }

  private async notification(req: Request, res: Response): Promise<void> {
    const signature = req.header('x-hub-signature-256');
    if (!signature) {
      res.send(401, { error: 'X-Hub-Signature-256 missing' });
      return;
    }
    if (!isSignedByMeta(rawBodyOf(req), signature, this.deps.settings.appSecret)) {
      this.deps.logger.warn(
        { ip: req.socket.remoteAddress },
        'WhatsApp notification with a wrong signature refused',
      );
      res.send(403, { error: 'signature does not match' });
      return;
    }
    const payload = webhookPayloadSchema.safeParse(req.body);
    if (!payload.success) {
      const details = payload.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      res.send(400, { error: 'invalid notification', details });
      return;
    }
    // Meta waits a few seconds at most before it retries: answer first, then run the turns.
    res.send(200, { received: true });
    const work = this.process(payload.data);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async process(payload: WebhookPayload): Promise<void> {
    for (const message of inboundMessages(payload)) {
      try {
        await this.receive(message);
      } catch (error) {
        this.deps.logger.error({ err: error, messageId: message.id }, 'WhatsApp message not processed');
      }
    }
  }

  private async receive(message: InboundMessage): Promise<void> {
    const { logger, settings } = this.deps;
    if (message.phoneNumberId !== settings.phoneNumberId) {
      logger.warn({ phoneNumberId: message.phoneNumberId }, 'WhatsApp message for another number ignored');
      return;
    }
    if (message.content.kind === 'ignored') return;
    // Taken once in any process and kept: a redelivered notification finds it.
    if (!(await this.seen.take(message.id))) {
      logger.info({ messageId: message.id }, 'WhatsApp message delivered again: ignored');
      return;
    }
    const conversationId = this.contacts.conversationIdOf(message.phoneNumberId, message.from);
    await this.contacts.recordInbound(conversationId, message.from, message.at);
    await this.deps.localChannels.deliver({
      type: 'message',
      id: message.id,
      channelId: CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      timestamp: message.at,
      conversation: { id: conversationId },
      from: { id: conversationId, role: 'user' },
      recipient: { id: settings.phoneNumberId, role: 'bot' },
      // Media has no text: the bot answers that it reads text only, in the conversation's language.
      text: message.content.kind === 'text' ? message.content.text : '',
    } as Partial<Activity> as Activity);
  }
}
