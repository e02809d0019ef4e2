import { Schema, model, type InferSchemaType } from 'mongoose';

const messageRowSchema = new Schema(
  {
    direction: String,
    channel: String,
    lang: String,
    kind: String,
    count: Number,
    tokensIn: Number,
    tokensOut: Number,
  },
  { _id: false },
);
const conversationRowSchema = new Schema({ channel: String, lang: String, count: Number }, { _id: false });

/**
 * Counts of the interaction log for one crisis and one hour, kept by one process as it writes
 * the log (accounting/usageCounters.ts): reports read these few documents instead of scanning
 * every interaction (FerretDB scans any filter but `_id` equality, ~0.06 ms a document). Each
 * document has a single writer, so it is replaced whole and never needs an atomic `$inc`; the
 * hour's figures are the sum over its documents.
 */
const usageRollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    crisisSlug: { type: String, required: true },
    hourStart: { type: Date, required: true },
    messages: { type: [messageRowSchema], default: [] },
    conversations: { type: [conversationRowSchema], default: [] },
  },
  { collection: 'usagerollups', versionKey: false },
);
usageRollupSchema.index({ crisisSlug: 1, hourStart: 1 });

export type UsageRollupDoc = InferSchemaType<typeof usageRollupSchema>;
export const UsageRollupModel = model('UsageRollup', usageRollupSchema);
