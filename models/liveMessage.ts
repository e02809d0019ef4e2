import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Citizens' messages of the last hours, as the interaction log writes them (same `_id`): what the
 * operations view reads every second or so. On FerretDB any filter on the log scans all of it
 * (25 s for 200,000 entries), so the recent window is kept in a collection of its own, which a
 * sweep keeps to those hours.
 */
const liveMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    crisisSlug: { type: String, required: true },
    conversationId: { type: String, required: true },
    lang: { type: String },
    kind: { type: String },
    options: { type: Number },
    at: { type: Date, required: true },
  },
  { collection: 'livemessages', versionKey: false },
);
liveMessageSchema.index({ at: 1 });

export type LiveMessageDoc = InferSchemaType<typeof liveMessageSchema>;
export const LiveMessageModel = model('LiveMessage', liveMessageSchema);
