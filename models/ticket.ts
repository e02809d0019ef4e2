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
export const TICKET_REASONS = ['person-request', 'unanswered', 'd2', 'callback', 'transfer'] as const;

/** Encrypted with AES-256-GCM, bound to the ticket id (handoff/intakeCipher.ts). */
const sealedSchema = new Schema({ iv: String, tag: String, data: String, keyId: String }, { _id: false });

const claimSchema = new Schema({ by: String, from: Date, to: Date }, { _id: false });

/**
 * A conversation handed to people: the D5 contact-centre queue or the D2 specialists' queue.
 * Every change of state goes through handoff/tickets.ts, which bumps `version` under a lock.
 * `intake`, `transcript` and `callbackPhone` are personal data, stored encrypted and removed by
 * the retention job.
 */
const ticketSchema = new Schema(
  {
    queue: { type: String, enum: TICKET_QUEUES, required: true },
    state: { type: String, enum: TICKET_STATES, required: true, default: 'waiting' },
    outcome: { type: String, enum: TICKET_OUTCOMES },
    reason: { type: String, enum: TICKET_REASONS, required: true, default: 'd2' },
    version: { type: Number, required: true, default: 0 },
    /** Lower is more urgent: 0 for immediate danger. */
    priority: { type: Number, required: true, default: 1 },
    crisisSlug: { type: String, required: true },
    /** Of an exercise crisis: marked on every surface, reported and billed apart, its personal data kept briefly. */
    exercise: { type: Boolean },
    conversationId: { type: String, required: true },
    channelId: { type: String, required: true },
    lang: { type: String, required: true },
    /** The Bot Framework conversation reference, to reach the citizen proactively from any process. */
    reference: { type: Schema.Types.Mixed },
    consent: { type: Boolean, required: true, default: false },
    intake: { type: sealedSchema, required: false },
    transcript: { type: sealedSchema, required: false },
    callbackPhone: { type: sealedSchema, required: false },
    intakeDeletedAt: { type: Date },
    /** When retention deleted the callback number (the ticket stays a callback). */
    callbackDeletedAt: { type: Date },
    assignee: { type: String },
    assigneeName: { type: String },
    assignedAt: { type: Date },
    /** Every claim (staff id, from, to): handling time and peak staffing for cost reports. */
    claims: { type: [claimSchema], default: [] },
    /** While assigned: when the claim lapses unless the operator is still connected (swept). */
    expiresAt: { type: Date },
    /** What the citizen was last told about their place in the queue. */
    notifiedPosition: { type: Number },
    notifiedWaitMinutes: { type: Number },
    closedAt: { type: Date },
    /** Closed as transferred: the ticket that continues it. */
    transferredTo: { type: String },
  },
  { timestamps: true, collection: 'tickets' },
);
ticketSchema.index({ queue: 1, state: 1, priority: 1, createdAt: 1 });
ticketSchema.index({ conversationId: 1, state: 1 });
ticketSchema.index({ assignee: 1, state: 1 });
ticketSchema.index({ state: 1, expiresAt: 1 });
ticketSchema.index({ createdAt: 1 });

export type TicketDoc = InferSchemaType<typeof ticketSchema> & { _id: import('mongoose').Types.ObjectId };
export const TicketModel = model('Ticket', ticketSchema);
