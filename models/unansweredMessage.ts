import { Schema, model, type InferSchemaType } from 'mongoose';

/** Why a citizen's message went to the inbox. */
export const UNANSWERED_SOURCES = ['clarify', 'none', 'unhelpful', 'operator'] as const;
/** `open` messages are grouped in the inbox; the others were dealt with and wait for retention. */
export const UNANSWERED_STATES = ['open', 'dismissed', 'taught'] as const;

/**
 * A general question (D5) the bot could not answer well, kept for the crisis's communicators.
 * The masked text and its embedding are sealed (`sealed`, bound to `_id`); what stays in the clear
 * says nothing about the citizen. Swept after UNANSWERED_RETENTION_DAYS (no TTL index on FerretDB v1).
 */
const unansweredMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    crisisSlug: { type: String, required: true },
    at: { type: Date, required: true },
    lang: { type: String, required: true },
    source: { type: String, enum: UNANSWERED_SOURCES, required: true },
    /** The entry the bot found closest when it failed (or the operator used), if any. */
    closestFaqId: { type: String },
    /** For a clarification: the entry the citizen then picked among the options, if any. */
    chosenFaqId: { type: String },
    state: { type: String, enum: UNANSWERED_STATES, required: true, default: 'open' },
    sealed: {
      iv: { type: String, required: true },
      tag: { type: String, required: true },
      data: { type: String, required: true },
      keyId: { type: String, required: true },
    },
  },
  { collection: 'unansweredmessages', versionKey: false },
);
unansweredMessageSchema.index({ crisisSlug: 1, state: 1, at: 1 });

export type UnansweredMessageDoc = InferSchemaType<typeof unansweredMessageSchema>;
export const UnansweredMessageModel = model('UnansweredMessage', unansweredMessageSchema);
