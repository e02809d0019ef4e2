import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import { langFromLocale, type Lang } from '../knowledge';
import type { LocalChannelHandler } from './localChannels';
import type { WhatsAppContacts } from './whatsappContacts';
import type { WhatsAppGraph } from './whatsappGraph';
import { graphMessagesFor } from './whatsappMessages';

/** Outside the 24-hour window WhatsApp takes only approved templates: the message is not sent. */
export class OutsideServiceWindow extends Error {
  constructor(readonly lastInboundAt: Date) {
    super(`the citizen last wrote at ${lastInboundAt.toISOString()}: WhatsApp's 24-hour window has closed`);
    this.name = 'OutsideServiceWindow';
  }
}

export class UnknownWhatsAppContact extends Error {}

/**
 * What the bot sends into WhatsApp conversations, from any process (a reply in the citizen's turn,
 * an operator's message later): each message activity becomes Cloud API messages. Typing
 * indicators and events have no WhatsApp counterpart and are dropped.
 */
export class WhatsAppSender implements LocalChannelHandler {
  constructor(
    private readonly contacts: WhatsAppContacts,
    private readonly graph: WhatsAppGraph,
    /** Bot strings (locales/): the label of the button that opens a list of choices. */
    private readonly translate: (lang: Lang, key: string) => string,
    private readonly logger: Logger,
  ) {}

  async send(conversationId: string, activity: Partial<Activity>): Promise<{ id: string }> {
    if (activity.type !== 'message') return { id: randomUUID() };
    const reach = await this.contacts.reach(conversationId, new Date());
    if (reach.state === 'unknown') {
      throw new UnknownWhatsAppContact(`no WhatsApp number known for conversation ${conversationId}`);
    }
    if (reach.state === 'closed') {
      // Sent anyway, WhatsApp would refuse it; the sender (an operator's reply) is told instead.
      this.logger.warn(
        { conversationId, lastInboundAt: reach.lastInboundAt },
        'WhatsApp message not sent: outside the 24-hour window',
      );
      throw new OutsideServiceWindow(reach.lastInboundAt);
    }
    const ids: string[] = [];
    const lang = langFromLocale(activity.locale) ?? 'en';
    const listButton = this.translate(lang, 'choicesButton');
    for (const message of graphMessagesFor(activity, reach.waId, listButton)) {
      ids.push(await this.graph.send(message));
    }
    return { id: ids[0] || randomUUID() };
  }
}
