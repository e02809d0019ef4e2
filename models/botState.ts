import { Schema, model } from 'mongoose';
import { PartitionedCollection } from './partitionedCollection';

/**
 * botbuilder Storage items. The state is kept as a JSON string because dialog state may hold
 * keys (leading `$`, dots) that MongoDB-compatible servers refuse as field names. `held` marks
 * state that outlives the idle period (an intake or a ticket under way); `updatedAt` is when the
 * citizen's conversation last wrote it.
 */
export interface BotStateDoc {
  _id: string;
  data: string;
  eTag: string;
  held?: boolean;
  updatedAt: Date;
}

const botStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    data: { type: String, required: true },
    eTag: { type: String, required: true },
    held: { type: Boolean },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'botstate', versionKey: false },
);
// For the idle sweep, on MongoDB; FerretDB serves no query from it.
botStateSchema.index({ updatedAt: 1 });

/** Declares the one-collection layout (MongoDB) with its index; read and written through `botStates`. */
model('BotState', botStateSchema);

/** Conversation state, one document per storage key (each key is one conversation's). */
export const botStates = new PartitionedCollection<BotStateDoc>('botstate', (doc) => doc._id);
