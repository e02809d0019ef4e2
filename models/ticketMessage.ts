import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { PartitionedCollection } from './partitionedCollection';

export const MESSAGE_AUTHORS = ['citizen', 'bot', 'operator', 'system'] as const;

/**
 * One message of a handed-over conversation, in order of `at`. It is how a citizen's message
 * taken by one bot process reaches an operator connected to another. The text is encrypted
 * (bound to the ticket) and removed with the ticket's personal data.
 */
const ticketMessageSchema = new Schema(
  {
    ticketId: { type: String, required: true },
    at: { type: Date, required: true },
    from: { type: String, enum: MESSAGE_AUTHORS, required: true },
    authorId: { type: String },
    text: {
      type: new Schema({ iv: String, tag: String, data: String, keyId: String }, { _id: false }),
      required: true,
    },
  },
  { collection: 'ticketmessages', versionKey: false },
);
ticketMessageSchema.index({ ticketId: 1, at: 1 });

export type TicketMessageDoc = InferSchemaType<typeof ticketMessageSchema> & { _id: Types.ObjectId };

/** Declares the one-collection layout (MongoDB) with its index; read and written through `ticketMessages`. */
model('TicketMessage', ticketMessageSchema);

/**
 * Partitioned by ticket like the conversation collections: the console reads the messages of
 * every ticket in hand at each poll, and FerretDB answers a read by ticket by decoding every
 * message of the collection (2.9 s among 50,000).
 */
export const ticketMessages = new PartitionedCollection<TicketMessageDoc>(
  'ticketmessages',
  (doc) => doc.ticketId,
);
