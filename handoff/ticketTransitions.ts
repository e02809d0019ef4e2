import { canServe, TicketConflict, type Outcome, type Staff, type Ticket } from './types';

export type TicketEvent =
  | { type: 'claim'; by: Staff; expiresAt: Date }
  /** The operator is still connected: the claim lasts longer. */
  | { type: 'extend'; expiresAt: Date }
  /** The operator's claim lapsed (disconnected past the grace period): back to the queue. */
  | { type: 'expire' }
  | { type: 'close'; outcome: Outcome; transferredTo?: string };

/** Fields to set and to remove on the ticket document. */
export interface TicketChange {
  set: Record<string, unknown>;
  unset: string[];
}

const CLAIM_FIELDS = ['assignee', 'assigneeName', 'assignedAt', 'expiresAt'];

/**
 * The ticket state machine, `waiting → assigned → closed`, as one pure function: the bot, the
 * API and the sweeper all move tickets through it (handoff/tickets.ts applies the change).
 * Throws TicketConflict when the event does not apply to the ticket as it is now.
 */
export function nextTicketState(ticket: Ticket, event: TicketEvent, now: Date): TicketChange {
  const refuse = (why: string): never => {
    throw new TicketConflict(`ticket ${ticket.id} ${why}`);
  };
  switch (event.type) {
    case 'claim':
      if (ticket.state !== 'waiting') refuse(`is ${ticket.state}, not waiting`);
      if (!canServe(event.by, ticket.queue, ticket.lang)) refuse(`is not for ${event.by.name}`);
      return {
        set: {
          state: 'assigned',
          assignee: event.by.id,
          assigneeName: event.by.name,
          assignedAt: now,
          expiresAt: event.expiresAt,
        },
        unset: [],
      };
    case 'extend':
      if (ticket.state !== 'assigned') refuse(`is ${ticket.state}, not assigned`);
      return { set: { expiresAt: event.expiresAt }, unset: [] };
    case 'expire':
      if (ticket.state !== 'assigned') refuse(`is ${ticket.state}, not assigned`);
      if (!ticket.expiresAt || ticket.expiresAt > now) refuse('has not expired');
      return { set: { state: 'waiting' }, unset: CLAIM_FIELDS };
    case 'close':
      if (ticket.state === 'closed') refuse('is already closed');
      if (event.outcome === 'callback-done' && !ticket.hasCallback) refuse('is not a callback');
      return {
        set: {
          state: 'closed',
          outcome: event.outcome,
          closedAt: now,
          ...(event.transferredTo ? { transferredTo: event.transferredTo } : {}),
        },
        unset: ['expiresAt'],
      };
  }
}
