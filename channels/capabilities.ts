/**
 * What each channel can show, by Bot Framework `channelId`: the one table reply rendering, the
 * WhatsApp sender and docs/channels.md follow.
 *
 * - `rich`: Markdown and cards; quick replies as buttons.
 * - `buttons-limited`: a few short quick-reply buttons; no Markdown.
 * - `plain`: text only, like SMS: choices become a numbered list and a short limit applies.
 */
export type ChannelClass = 'rich' | 'buttons-limited' | 'plain';

export interface ChannelCapabilities {
  class: ChannelClass;
  /**
   * Quick replies (suggested actions) shown as buttons: at most `max`, titles up to
   * `maxTitleLength` characters. Without it, or when a reply offers more or longer choices, the
   * choices are written into the text as a numbered list.
   */
  buttons?: { max: number; maxTitleLength: number };
  /** Shows Markdown (bold, links); otherwise text is sent plain with links spelled out. */
  markdown: boolean;
  /** Longest text one message may carry; longer replies are split between words. */
  maxTextLength: number;
  /** Hero and Adaptive cards. The bot sends none today; the column is for docs/channels.md. */
  cards: boolean;
}

/** Web Chat, Direct Line clients, the Emulator: no practical limit on text or buttons. */
const WEB: ChannelCapabilities = {
  class: 'rich',
  buttons: { max: 10, maxTitleLength: 300 },
  markdown: true,
  maxTextLength: 20_000,
  cards: true,
};

const SMS: ChannelCapabilities = {
  class: 'plain',
  markdown: false,
  // Twilio's limit for one message body; it sends it as concatenated SMS segments.
  maxTextLength: 1600,
  cards: false,
};

export const CHANNEL_CAPABILITIES: Readonly<Record<string, ChannelCapabilities>> = {
  webchat: WEB,
  directline: WEB,
  emulator: WEB,
  // The TestChannel of the HTTP tests speaks for a Web Chat-like client.
  test: WEB,
  // Teams shows the first three suggested actions only, and caps a message at about 28 KB.
  msteams: {
    class: 'rich',
    buttons: { max: 3, maxTitleLength: 100 },
    markdown: true,
    maxTextLength: 20_000,
    cards: true,
  },
  // Slack shows Markdown and cards, but no suggested actions through Azure Bot Service.
  slack: { class: 'rich', markdown: true, maxTextLength: 4000, cards: true },
  // Suggested actions become a reply keyboard whose button text is sent back as the message.
  telegram: {
    class: 'buttons-limited',
    buttons: { max: 10, maxTitleLength: 100 },
    markdown: false,
    maxTextLength: 4096,
    cards: true,
  },
  // Messenger quick replies: up to 13, titles of at most 20 characters.
  facebook: {
    class: 'buttons-limited',
    buttons: { max: 13, maxTitleLength: 20 },
    markdown: false,
    maxTextLength: 2000,
    cards: true,
  },
  // Interactive messages: up to 3 reply buttons (titles ≤ 20), or a list of up to 10 rows whose
  // title (≤ 24) and description (≤ 72) together show a longer choice; see whatsappMessages.ts.
  whatsapp: {
    class: 'buttons-limited',
    buttons: { max: 10, maxTitleLength: 72 },
    markdown: false,
    maxTextLength: 4096,
    cards: false,
  },
  sms: SMS,
};

/** A channel not in the table gets what every channel can show: SMS-like plain text. */
export const DEFAULT_CAPABILITIES: ChannelCapabilities = { ...SMS, maxTextLength: 2000 };

export function capabilitiesOf(channelId: string | undefined): ChannelCapabilities {
  const id = channelId?.toLowerCase() ?? '';
  return Object.hasOwn(CHANNEL_CAPABILITIES, id) ? CHANNEL_CAPABILITIES[id]! : DEFAULT_CAPABILITIES;
}
