import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Append-only log of every message in and out: the source of cost reports.
 * `_id` is chosen by the writer so that a retried batch never duplicates an entry.
 * `day` and `hour` are stored because FerretDB v1 has no date-bucketing operators.
 */
const interactionSchema = new Schema(
  {
    _id: { type: String, required: true },
    crisisSlug: { type: String, required: true },
    conversationId: { type: String, required: true },
    channelId: { type: String, required: true },
    lang: { type: String },
    direction: { type: String, enum: ['in', 'out'], required: true },
    kind: { type: String },
    faqId: { type: String },
    options: { type: Number },
    latencyMs: { type: Number },
    tokensIn: { type: Number },
    tokensOut: { type: Number },
    at: { type: Date, required: true },
    day: { type: String, required: true },
    hour: { type: Number, required: true },
  },
  { collection: 'interactions', versionKey: false },
);
interactionSchema.index({ crisisSlug: 1, day: 1 });
interactionSchema.index({ conversationId: 1, at: 1 });

export type InteractionDoc = InferSchemaType<typeof interactionSchema>;
export const InteractionModel = model('Interaction', interactionSchema);
