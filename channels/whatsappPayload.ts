import { z } from 'zod';

/**
 * The parts of a WhatsApp Business Cloud API webhook notification the bot reads. Objects are not
 * strict: Meta adds fields over time, and a notification must not be refused for one we ignore.
 */
const reply = z.object({ id: z.string().min(1).max(256), title: z.string().max(256) });

const message = z
  .object({
    id: z.string().min(1).max(256),
    from: z.string().regex(/^\d{1,32}$/, 'must be a WhatsApp ID (digits)'),
    timestamp: z.string().regex(/^\d{1,12}$/, 'must be Unix seconds'),
    type: z.string().min(1).max(64),
    text: z.object({ body: z.string().max(65_536) }).optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: reply.optional(),
        list_reply: reply.optional(),
      })
      .optional(),
    /** A quick-reply button of a template message. */
    button: z.object({ text: z.string().max(256) }).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.type === 'text' && !m.text) ctx.addIssue({ code: 'custom', message: 'text message without text' });
    if (m.type === 'button' && !m.button) {
      ctx.addIssue({ code: 'custom', message: 'button message without button' });
    }
  });

const change = z.object({
  field: z.string(),
  value: z.object({
    metadata: z.object({ phone_number_id: z.string().min(1).max(64) }).optional(),
    messages: z.array(message).max(1000).optional(),
    statuses: z.array(z.unknown()).optional(),
  }),
});

export const webhookPayloadSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string(), changes: z.array(change).max(1000) })).max(1000),
});

export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** What a citizen's message means to the bot. */
export type InboundContent =
  | { kind: 'text'; text: string }
  /** A photo, voice note, video, document, sticker, location, contact card…: answered politely. */
  | { kind: 'unsupported'; type: string }
  /** Needs no answer: a reaction to a message, a system notice. */
  | { kind: 'ignored' };

export interface InboundMessage {
  id: string;
  /** The business number it was sent to. */
  phoneNumberId: string;
  /** The citizen's WhatsApp ID (their number). */
  from: string;
  at: Date;
  content: InboundContent;
}

const SILENT_TYPES = new Set(['reaction', 'system']);

function contentOf(m: z.infer<typeof message>): InboundContent {
  if (m.type === 'text') return { kind: 'text', text: m.text!.body };
  if (m.type === 'button') return { kind: 'text', text: m.button!.text };
  // A button or list row of ours: its id is the choice's text (whatsappMessages.ts).
  const chosen = m.interactive?.button_reply ?? m.interactive?.list_reply;
  if (m.type === 'interactive' && chosen) return { kind: 'text', text: chosen.id };
  if (SILENT_TYPES.has(m.type)) return { kind: 'ignored' };
  return { kind: 'unsupported', type: m.type };
}

/** The citizens' messages of a notification, in order; delivery statuses and other fields are left out. */
export function inboundMessages(payload: WebhookPayload): InboundMessage[] {
  return payload.entry.flatMap((entry) =>
    entry.changes.flatMap(({ field, value }) =>
      field !== 'messages' || !value.metadata
        ? []
        : (value.messages ?? []).map((m) => ({
            id: m.id,
            phoneNumberId: value.metadata!.phone_number_id,
            from: m.from,
            at: new Date(Number(m.timestamp) * 1000),
            content: contentOf(m),
          })),
    ),
  );
}
