import type { TICKET_OUTCOMES, TICKET_QUEUES, TICKET_REASONS, TICKET_STATES } from '../models';

export type Queue = (typeof TICKET_QUEUES)[number];
export type TicketState = (typeof TICKET_STATES)[number];
export type Outcome = (typeof TICKET_OUTCOMES)[number];
export type Reason = (typeof TICKET_REASONS)[number];
export type Author = 'citizen' | 'bot' | 'operator' | 'system';

/** Who acts on tickets: an operator or D2 agent, as the API established it. */
export interface Staff {
  id: string;
  name: string;
  roles: string[];
  languages: string[];
}

/**
 * Where the citizen is, as the channel told us (a Bot Framework conversation reference):
 * opaque here, handed back to the channel adapter to reach the citizen from any process.
 */
export type ConversationRef = Record<string, unknown>;

export interface TranscriptEntry {
  at: string;
  from: Author;
  text: string;
}

export interface TicketMessage extends TranscriptEntry {
  id: string;
}

/** One operator's hold on a ticket; `to` is unset while it lasts. */
export interface Claim {
  by: string;
  from: Date;
  to?: Date;
}

/** A ticket as handoff/ hands it out: no personal data, which is read through its own calls. */
export interface Ticket {
  id: string;
  version: number;
  queue: Queue;
  state: TicketState;
  outcome?: Outcome;
  reason: Reason;
  priority: number;
  crisisSlug: string;
  /** Of an exercise crisis (a drill). */
  exercise?: boolean;
  conversationId: string;
  channelId: string;
  lang: string;
  reference?: ConversationRef;
  assignee?: { id: string; name: string };
  assignedAt?: Date;
  /** Every claim, oldest first, with when it ended (closed, lapsed): handling time and peak staffing come from it. */
  claims: Claim[];
  expiresAt?: Date;
  closedAt?: Date;
  createdAt: Date;
  transferredTo?: string;
  hasIntake: boolean;
  hasCallback: boolean;
  /** When retention deleted the callback number: the callback can still be closed as done. */
  callbackDeletedAt?: Date;
  notifiedPosition?: number;
  notifiedWaitMinutes?: number;
}

/** The role that serves each queue: D2 tickets are for the specialised public-health staff only. */
export const QUEUE_ROLE: Record<Queue, 'operator' | 'd2-agent'> = { d5: 'operator', d2: 'd2-agent' };

export function canServe(staff: Pick<Staff, 'roles' | 'languages'>, queue: Queue, lang: string): boolean {
  return staff.roles.includes(QUEUE_ROLE[queue]) && staff.languages.includes(lang);
}

export class TicketNotFound extends Error {}
/** The citizen's channel did not take a message (it is away, or refuses it: a closed WhatsApp window). */
export class CitizenUnreachable extends Error {}
/** The ticket moved on (taken, closed) or the move is not allowed from where it is. */
export class TicketConflict extends Error {}
