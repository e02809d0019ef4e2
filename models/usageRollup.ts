import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Counts of the interaction log for one crisis and one hour, kept by one process as it writes
 * the log (accounting/usageCounters.ts): reports read these few documents instead of scanning
 * every interaction (FerretDB scans any filter but `_id` equality, ~0.06 ms a document). Each
 * document has a single writer, so it is replaced whole and never needs an atomic `$inc`; the
 * hour's figures are the sum over its documents. The counts are one JSON string (`usage`, see
 * accounting/usage.ts) rather than arrays of subdocuments: FerretDB v1 decodes nested documents
 * slowly (measured: 73 hours of 160 rows read in 1.5 s as subdocuments, 0.1 s as strings).
 */
const usageRollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    crisisSlug: { type: String, required: true },
    hourStart: { type: Date, required: true },
    usage: { type: String, required: true },
  },
  { collection: 'usagerollups', versionKey: false },
);
usageRollupSchema.index({ crisisSlug: 1, hourStart: 1 });

export type UsageRollupDoc = InferSchemaType<typeof usageRollupSchema>;
export const UsageRollupModel = model('UsageRollup', usageRollupSchema);
