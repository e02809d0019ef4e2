import { z } from 'zod';
import { LANGUAGES, slugSchema } from '../knowledge';
import { LANGUAGE_EVENT } from './clientEvents';

/** Far above what the bot reads (it answers messages over 2,000 characters with a polite notice). */
export const MAX_POSTED_TEXT = 10_000;
/** One posted activity, as JSON; the server's body limit is for every route. */
export const MAX_POSTED_BYTES = 32 * 1024;

const locale = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag');

/** What the server keeps of a client's channelData: Web Chat's echo id and the entry link's crisis. */
const channelData = z
  .looseObject({
    clientActivityID: z.string().max(100).optional(),
    crisis: slugSchema.optional(),
  })
  .optional();

const sender = z.looseObject({ name: z.string().max(100).optional() }).optional();

/**
 * What a citizen's client may post. Everything else a client sends is dropped: the server sets
 * ids, sender, recipient, conversation and time itself.
 */
export const postedActivitySchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('message'),
    text: z.string().max(MAX_POSTED_TEXT),
    locale: locale.optional(),
    channelData,
    from: sender,
    attachments: z.array(z.unknown()).max(0, 'attachments are not accepted: only text').optional(),
  }),
  z.looseObject({
    type: z.literal('event'),
    name: z.literal(LANGUAGE_EVENT),
    value: z.enum(LANGUAGES),
    locale: locale.optional(),
    channelData,
    from: sender,
  }),
]);

export type PostedActivity = z.infer<typeof postedActivitySchema>;

export const startBodySchema = z.looseObject({ locale: locale.optional() }).optional();

/** A sequence number as Direct Line clients send it back: empty at first. */
export const watermarkSchema = z
  .string()
  .regex(/^[0-9]{0,9}$/, 'must be a whole number')
  .transform((value) => (value === '' ? 0 : Number(value)));
