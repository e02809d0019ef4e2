import { Schema, model } from 'mongoose';

/**
 * The first message of a conversation with a crisis, `_id` = `<crisis>|<conversation>`: inserting
 * it is how exactly one process counts the conversation as started. `firstEntry` is that
 * message's interaction id, so a retried write recognises its own mark.
 */
const conversationMarkSchema = new Schema(
  {
    _id: { type: String, required: true },
    firstEntry: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'conversationmarks', versionKey: false },
);
conversationMarkSchema.index({ at: 1 });

export const ConversationMarkModel = model('ConversationMark', conversationMarkSchema);
