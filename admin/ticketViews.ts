import type { HandoffDesk, Ticket } from '../handoff';

export interface TicketSummary {
  id: string;
  queue: Ticket['queue'];
  state: Ticket['state'];
  outcome?: Ticket['outcome'];
  reason: Ticket['reason'];
  lang: string;
  priority: number;
  crisisSlug: string;
  /** Present (true) on a ticket of an exercise. */
  exercise?: true;
  createdAt: string;
  /** When retention deleted the ticket's callback number. */
  callbackPhoneDeletedAt?: string;
  assignee?: { id: string; displayName: string };
  position?: number;
}

/** A ticket as the API shows it; `position` while it waits. */
export function summaryOf(ticket: Ticket, position?: number): TicketSummary {
  return {
    id: ticket.id,
    queue: ticket.queue,
    state: ticket.state,
    ...(ticket.outcome ? { outcome: ticket.outcome } : {}),
    reason: ticket.reason,
    lang: ticket.lang,
    priority: ticket.priority,
    crisisSlug: ticket.crisisSlug,
    ...(ticket.exercise ? { exercise: true as const } : {}),
    createdAt: ticket.createdAt.toISOString(),
    ...(ticket.callbackDeletedAt ? { callbackPhoneDeletedAt: ticket.callbackDeletedAt.toISOString() } : {}),
    ...(ticket.assignee ? { assignee: { id: ticket.assignee.id, displayName: ticket.assignee.name } } : {}),
    ...(ticket.state === 'waiting' && position !== undefined ? { position } : {}),
  };
}

/** One ticket's summary, its place in the queue looked up. */
export async function summarize(desk: HandoffDesk, ticket: Ticket): Promise<TicketSummary> {
  return summaryOf(ticket, ticket.state === 'waiting' ? await desk.tickets.position(ticket) : undefined);
}
