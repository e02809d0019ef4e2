import { Schema, model } from 'mongoose';

/**
 * botbuilder Storage items. The state is kept as a JSON string because dialog state may hold
 * keys (leading `$`, dots) that MongoDB-compatible servers refuse as field names.
 */
const botStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    data: { type: String, required: true },
    eTag: { type: String, required: true },
  },
  { timestamps: true, collection: 'botstate', versionKey: false },
);

export const BotStateModel = model('BotState', botStateSchema);
