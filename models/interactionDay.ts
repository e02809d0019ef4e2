import { Schema, model } from 'mongoose';

/**
 * The days the interaction log holds entries of (`_id` = `YYYY-MM-DD`), recorded by the log
 * before it writes them, and `_id` = `since`, which says the record is complete. The hourly
 * retention sweep reads these few documents and reads the log only when a day has expired:
 * FerretDB answers any filter on the log by decoding every entry (25 s among 200,000).
 */
const interactionDaySchema = new Schema(
  { _id: { type: String, required: true } },
  {
    collection: 'interactiondays',
    versionKey: false,
  },
);

export const InteractionDayModel = model('InteractionDay', interactionDaySchema);
export const INTERACTION_DAYS_COMPLETE = 'since';
