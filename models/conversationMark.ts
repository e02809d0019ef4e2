import { Schema, model } from 'mongoose';
import { PartitionedCollection } from './partitionedCollection';

/**
 * The first message of a conversation with a crisis, `_id` = `<crisis>|<conversation>`: inserting
 * it is how exactly one process counts the conversation as started. `firstEntry` is that
 * message's interaction id, so a retried write recognises its own mark.
 */
export interface ConversationMarkDoc {
  _id: string;
  firstEntry: string;
  at: Date;
}

const conversationMarkSchema = new Schema(
  {
    _id: { type: String, required: true },
    firstEntry: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'conversationmarks', versionKey: false },
);
conversationMarkSchema.index({ at: 1 });

/** Declares the one-collection layout (MongoDB) with its index; read and written through `conversationMarks`. */
model('ConversationMark', conversationMarkSchema);

export const conversationMarks = new PartitionedCollection<ConversationMarkDoc>(
  'conversationmarks',
  (doc) => doc._id,
);
