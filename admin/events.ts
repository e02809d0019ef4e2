import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import { auditD2, type HandoffDesk, type Ticket, type TicketMessage } from '../handoff';
import { staffOf, type Auth, type Caller } from './auth';
import { EventStreams, HttpError } from './http';
import { queueOf } from './ticketRoutes';
import { summarize, type TicketSummary } from './ticketViews';

export interface EventStreamDeps {
  auth: Auth;
  desk: HandoffDesk;
  logger: Logger;
  /** How often each stream looks at the database: FerretDB has no change streams to push changes. */
  pollMs: number;
}

/** How far back each poll re-reads messages, for ones written late by another process's clock. */
const MESSAGE_OVERLAP_MS = 5_000;

/**
 * What every operator stream of this process reads, read once per poll for all of them: the
 * tickets not closed, and the recent messages of the assigned ones. On FerretDB each read decodes
 * every ticket (or message), so its cost must not be multiplied by the operators online.
 */
class SharedReads {
  private open?: { at: number; tickets: Promise<Ticket[]> };
  private messages?: { at: number; byTicket: Promise<Map<string, TicketMessage[]>> };
  /** How long the last read of the open tickets took. */
  private lastReadMs = 0;

  constructor(
    private readonly desk: HandoffDesk,
    private readonly pollMs: number,
  ) {}

  /** A read is reused for twice as long as it took, at least: the database serves citizens first. */
  private get maxAgeMs(): number {
    return Math.max(this.pollMs, 2 * this.lastReadMs);
  }

  openTickets(): Promise<Ticket[]> {
    if (!this.open || Date.now() - this.open.at >= this.maxAgeMs) {
      const at = Date.now();
      const tickets = this.desk.tickets.allOpen();
      void tickets.then(
        () => (this.lastReadMs = Date.now() - at),
        () => undefined,
      );
      this.open = { at, tickets };
    }
    return this.open.tickets;
  }

  /** Messages of assigned tickets since a little before the previous read. */
  recentMessages(): Promise<Map<string, TicketMessage[]>> {
    if (!this.messages || Date.now() - this.messages.at >= this.maxAgeMs) {
      const at = Date.now();
      const since = new Date(at - this.maxAgeMs - MESSAGE_OVERLAP_MS);
      const byTicket = this.openTickets().then((open) =>
        this.desk.tickets.messagesSince(
          open.filter((t) => t.state === 'assigned').map((t) => t.id),
          since,
        ),
      );
      this.messages = { at, byTicket };
    }
    return this.messages.byTicket;
  }
}

/**
 * One operator's live view over server-sent events: the queue list when it changes, the messages
 * of their tickets, and their tickets' state changes. While it is open the operator is online and
 * their claims are kept alive; when it closes they lapse after the grace period.
 */
class OperatorStream {
  private lastQueue = '';
  private held = new Map<string, TicketSummary>();
  private readonly sent = new Set<string>();
  private readonly streamed = new Set<string>();
  private busy = false;

  constructor(
    private readonly caller: Caller,
    private readonly res: Response,
    private readonly deps: EventStreamDeps,
    private readonly reads: SharedReads,
  ) {}

  send(event: string, data: unknown): void {
    this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { desk, auth } = this.deps;
      if (await auth.markSeen(this.caller.user.id)) await desk.stillConnected(staffOf(this.caller.user));
      const tickets = queueOf(await this.reads.openTickets(), staffOf(this.caller.user));
      const snapshot = JSON.stringify(tickets);
      if (snapshot !== this.lastQueue) {
        this.lastQueue = snapshot;
        this.send('queue', { tickets });
      }
      await this.followHeld(
        tickets.filter((t) => t.state === 'assigned' && t.assignee?.id === this.caller.user.id),
      );
    } finally {
      this.busy = false;
    }
  }

  private async followHeld(mine: TicketSummary[]): Promise<void> {
    const { desk } = this.deps;
    const current = new Map(mine.map((t) => [t.id, t]));
    for (const [id] of this.held) {
      if (!current.has(id)) {
        this.send('ticket', await summarize(desk, await desk.tickets.get(id)));
      }
    }
    for (const [id, summary] of current) if (!this.held.has(id)) this.send('ticket', summary);
    this.held = current;

    const recent = await this.reads.recentMessages();
    for (const ticket of mine) {
      if (ticket.queue === 'd2' && !this.streamed.has(ticket.id)) {
        this.streamed.add(ticket.id);
        const user = this.caller.user;
        await auditD2({ id: user.id, roles: user.roles }, 'd2.ticket.stream', ticket.id, 'allowed');
      }
      for (const message of recent.get(ticket.id) ?? []) {
        if (this.sent.has(message.id)) continue;
        this.sent.add(message.id);
        this.send('message', { ticketId: ticket.id, message });
      }
    }
  }
}

/** Registers the stream; the function returned ends every open stream (shutdown: the server can then close). */
export function registerEventStream(server: Server, deps: EventStreamDeps): () => void {
  const streams = new EventStreams();
  const reads = new SharedReads(deps.desk, deps.pollMs);
  server.get('/api/events', async (req: Request, res: Response) => {
    let caller: Caller;
    try {
      caller = await deps.auth.requireRole(req, 'operator', 'd2-agent');
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      res.send(status, { error: error instanceof Error ? error.message : 'error' });
      return;
    }
    const stream = new OperatorStream(caller, res, deps, reads);
    await streams.run(res, deps.pollMs, () =>
      stream
        .tick()
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'operator stream poll failed')),
    );
  });
  return () => streams.endAll();
}
