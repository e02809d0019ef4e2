import { Schema, model, type InferSchemaType } from 'mongoose';

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

export type TicketMessageDoc = InferSchemaType<typeof ticketMessageSchema>;
export const TicketMessageModel = model('TicketMessage', ticketMessageSchema);
