import { Schema, model, type InferSchemaType } from 'mongoose';

export const TICKET_QUEUES = ['d5', 'd2'] as const;
export const TICKET_STATES = ['waiting', 'assigned', 'closed'] as const;
export const TICKET_OUTCOMES = [
  'resolved',
  'abandoned',
  'returned-to-bot',
  'transferred',
  'callback-done',
] as const;

/**
 * A conversation handed to people: the D5 contact-centre queue or the D2 specialists' queue.
 * `intake` holds the D2 intake encrypted (AES-256-GCM); it is removed by the retention job.
 */
const ticketSchema = new Schema(
  {
    queue: { type: String, enum: TICKET_QUEUES, required: true },
    state: { type: String, enum: TICKET_STATES, required: true, default: 'waiting' },
    outcome: { type: String, enum: TICKET_OUTCOMES },
    /** Lower is more urgent: 0 for immediate danger. */
    priority: { type: Number, required: true, default: 1 },
    crisisSlug: { type: String, required: true },
    conversationId: { type: String, required: true },
    channelId: { type: String, required: true },
    lang: { type: String, required: true },
    consent: { type: Boolean, required: true, default: false },
    intake: {
      type: new Schema({ iv: String, tag: String, data: String, keyId: String }, { _id: false }),
      required: false,
    },
    intakeDeletedAt: { type: Date },
    closedAt: { type: Date },
  },
  { timestamps: true, collection: 'tickets' },
);
ticketSchema.index({ queue: 1, state: 1, priority: 1, createdAt: 1 });
ticketSchema.index({ conversationId: 1, state: 1 });
ticketSchema.index({ createdAt: 1 });

export type TicketDoc = InferSchemaType<typeof ticketSchema>;
export const TicketModel = model('Ticket', ticketSchema);
