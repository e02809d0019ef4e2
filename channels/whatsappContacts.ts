import { createHmac } from 'node:crypto';
import type { IntakeCipher } from '../handoff';
import { whatsAppContacts } from '../models';

/** WhatsApp's customer-service window: free-form messages only this long after the citizen's last one. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export type Reach =
  | { state: 'open'; waId: string }
  | { state: 'closed'; lastInboundAt: Date }
  /** No message from this conversation's citizen in the window's lifetime (or ever). */
  | { state: 'unknown' };

/**
 * Who the bot may write to on WhatsApp, and until when. The conversation id is a keyed hash of
 * the business number and the citizen's number, so the number appears nowhere else (state, log,
 * tickets); here it is sealed with the data key, and dropped once the window has closed.
 */
export class WhatsAppContacts {
  constructor(
    /** Keys the conversation ids: without it, numbers could be recovered from them by trying them all. */
    private readonly pseudonymKey: Uint8Array,
    private readonly cipher: IntakeCipher,
  ) {}

  conversationIdOf(phoneNumberId: string, waId: string): string {
    const digest = createHmac('sha256', this.pseudonymKey).update(`${phoneNumberId}:${waId}`).digest();
    return `wa-${digest.toString('base64url').slice(0, 32)}`;
  }

  /** The citizen wrote at `at`: the window runs 24 h from their latest message, whatever order messages arrive in. */
  async recordInbound(conversationId: string, waId: string, at: Date): Promise<void> {
    await (
      await whatsAppContacts.for(conversationId)
    ).updateOne(
      { _id: conversationId },
      { $set: { waId: this.cipher.seal(waId, conversationId) }, $max: { lastInboundAt: at } },
      { upsert: true },
    );
  }

  async reach(conversationId: string, now: Date): Promise<Reach> {
    const contact = await (await whatsAppContacts.for(conversationId)).findOne({ _id: conversationId });
    if (!contact?.waId) return { state: 'unknown' };
    if (now.getTime() - contact.lastInboundAt.getTime() > SERVICE_WINDOW_MS) {
      return { state: 'closed', lastInboundAt: contact.lastInboundAt };
    }
    return { state: 'open', waId: this.cipher.open<string>(contact.waId, conversationId) };
  }

  /** Numbers nobody may write to any more are deleted. */
  async purgeClosed(now: Date): Promise<void> {
    const closed = { lastInboundAt: { $lt: new Date(now.getTime() - SERVICE_WINDOW_MS) } };
    for (const partition of await whatsAppContacts.all()) await partition.deleteMany(closed);
  }
}
