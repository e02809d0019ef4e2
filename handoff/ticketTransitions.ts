import { canServe, TicketConflict, type Claim, type Outcome, type Staff, type Ticket } from './types';

export type TicketEvent =
  | { type: 'claim'; by: Staff; expiresAt: Date }
  /** The operator is still connected: the claim lasts longer. */
  | { type: 'extend'; expiresAt: Date }
  /** The operator's claim lapsed (disconnected past the grace period): back to the queue. */
  | { type: 'expire' }
  | { type: 'close'; outcome: Outcome; transferredTo?: string }
  /** The waiting citizen was told their place: recorded so that only a meaningful move is told again. */
  | { type: 'notified'; position: number; waitMinutes: number };

function endClaim(claims: Claim[], now: Date): Claim[] {
  const last = claims.at(-1);
  if (!last || last.to) return claims;
  return [...claims.slice(0, -1), { ...last, to: now }];
}

/**
 * A ticket with a number to call back, or one whose number retention deleted (marked since, or a
 * callback ticket from before the mark): an operator who called before can still close it as done.
 */
function isCallback(ticket: Ticket): boolean {
  return ticket.hasCallback || Boolean(ticket.callbackDeletedAt) || ticket.reason === 'callback';
}

/**
 * The ticket state machine, `waiting → assigned → closed`, as one pure function from a ticket and
 * an event to the ticket after it: the bot, the API and the sweeper all move tickets through it
 * (handoff/tickets.ts stores the result). Throws TicketConflict when the event does not apply to
 * the ticket as it is now.
 */
export function nextTicketState(ticket: Ticket, event: TicketEvent, now: Date): Ticket {
  const refuse = (why: string): never => {
    throw new TicketConflict(`ticket ${ticket.id} ${why}`);
  };
  switch (event.type) {
    case 'claim':
      if (ticket.state !== 'waiting') refuse(`is ${ticket.state}, not waiting`);
      if (!canServe(event.by, ticket.queue, ticket.lang)) refuse(`is not for ${event.by.name}`);
      return {
        ...ticket,
        state: 'assigned',
        assignee: { id: event.by.id, name: event.by.name },
        assignedAt: now,
        expiresAt: event.expiresAt,
        claims: [...ticket.claims, { by: event.by.id, from: now }],
      };
    case 'extend':
      if (ticket.state !== 'assigned') refuse(`is ${ticket.state}, not assigned`);
      return { ...ticket, expiresAt: event.expiresAt };
    case 'notified':
      if (ticket.state !== 'waiting') refuse(`is ${ticket.state}, not waiting`);
      return { ...ticket, notifiedPosition: event.position, notifiedWaitMinutes: event.waitMinutes };
    case 'expire':
      if (ticket.state !== 'assigned') refuse(`is ${ticket.state}, not assigned`);
      if (!ticket.expiresAt || ticket.expiresAt > now) refuse('has not expired');
      return {
        ...ticket,
        state: 'waiting',
        assignee: undefined,
        assignedAt: undefined,
        expiresAt: undefined,
        claims: endClaim(ticket.claims, now),
      };
    case 'close':
      if (ticket.state === 'closed') refuse('is already closed');
      if (event.outcome === 'callback-done' && !isCallback(ticket)) refuse('is not a callback');
      return {
        ...ticket,
        state: 'closed',
        outcome: event.outcome,
        closedAt: now,
        expiresAt: undefined,
        claims: endClaim(ticket.claims, now),
        transferredTo: event.transferredTo,
      };
  }
}
