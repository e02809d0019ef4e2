import type { Logger } from 'pino';
import type { CitizenChannel, CitizenNotice } from './citizenChannel';
import { queuePositions, type NewTicket, type Tickets } from './tickets';
import { staffingOf, waitMinutesAt, type StaffingPolicy } from './waitEstimate';
import {
  TicketConflict,
  type Outcome,
  type Queue,
  type Staff,
  type Ticket,
  type TicketMessage,
} from './types';

export interface DeskSettings extends StaffingPolicy {
  /** How long an assigned ticket stays with an operator who stopped reporting in. */
  graceMs: number;
}

export interface QueuePlace {
  position: number;
  waitMinutes: number;
}

/** A new place in the queue, or why the citizen should be offered something else. */
export type Admission =
  | { admitted: true; ticket: Ticket; place: QueuePlace }
  | { admitted: false; why: 'no-operator' | 'long-wait'; waitMinutes: number };

/** When the estimate moved enough to tell the citizen again. */
function changedMeaningfully(ticket: Ticket, place: QueuePlace): boolean {
  if (ticket.notifiedPosition === undefined) return true;
  const lastWait = ticket.notifiedWaitMinutes ?? 0;
  const positionMoved =
    place.position !== ticket.notifiedPosition &&
    (place.position <= 3 ||
      Math.abs(place.position - ticket.notifiedPosition) >= ticket.notifiedPosition / 4);
  const waitMoved = Math.abs(place.waitMinutes - lastWait) >= Math.max(2, lastWait / 4);
  return positionMoved || waitMoved;
}

/**
 * Handoff as the bot and the operator API see it: admission to the queues with the overflow
 * policy, the citizen's side of a handed-over conversation, the operators' actions, and the
 * sweep that hands lapsed claims back and keeps waiting citizens informed. Every ticket change
 * goes through Tickets.apply.
 */
export class HandoffDesk {
  constructor(
    readonly tickets: Tickets,
    private readonly channel: CitizenChannel,
    private readonly settings: DeskSettings,
    private readonly logger: Logger,
  ) {}

  async place(ticket: Ticket): Promise<QueuePlace> {
    const position = await this.tickets.position(ticket);
    const staffing = await staffingOf(ticket.queue, ticket.lang, this.settings);
    return { position, waitMinutes: waitMinutesAt(position, staffing) };
  }

  /**
   * Opens a ticket, unless no operator with the language and role is online or the wait would pass
   * the limit (D5): the citizen is then told so and offered a callback. D2 tickets always open:
   * the specialists' queue is worked from the ticket, also by phone.
   */
  async admit(input: NewTicket): Promise<Admission> {
    const expected = await this.nextPlace(input.queue, input.lang);
    if (input.queue === 'd5' && input.reason !== 'callback') {
      if (expected.operatorsOnline === 0) return { admitted: false, why: 'no-operator', waitMinutes: -1 };
      if (expected.waitMinutes > this.settings.maxWaitMinutes) {
        return { admitted: false, why: 'long-wait', waitMinutes: expected.waitMinutes };
      }
    }
    const ticket = await this.tickets.open(input, expected);
    const place = await this.settle(ticket, expected);
    this.logger.info(
      { ticketId: ticket.id, queue: ticket.queue, reason: ticket.reason, lang: ticket.lang, ...place },
      'ticket opened',
    );
    return { admitted: true, ticket, place };
  }

  /** Where a new ticket would stand: it is opened with this, so the sweep does not tell the citizen twice. */
  private async nextPlace(queue: Queue, lang: string): Promise<QueuePlace & { operatorsOnline: number }> {
    const position = (await this.tickets.waitingCount(queue, lang)) + 1;
    const staffing = await staffingOf(queue, lang, this.settings);
    return {
      position,
      waitMinutes: waitMinutesAt(position, staffing),
      operatorsOnline: staffing.operatorsOnline,
    };
  }

  /** The place of a ticket just opened, recorded if others arrived meanwhile. */
  private async settle(ticket: Ticket, expected: QueuePlace): Promise<QueuePlace> {
    const place = await this.place(ticket);
    if (place.position !== expected.position || place.waitMinutes !== expected.waitMinutes) {
      await this.tickets.markNotified(ticket.id, place.position, place.waitMinutes);
    }
    return place;
  }

  /** The ticket a conversation is with now: a transferred ticket is followed to its successor. */
  async current(ticketId: string): Promise<Ticket> {
    let ticket = await this.tickets.get(ticketId);
    while (ticket.state === 'closed' && ticket.transferredTo) {
      ticket = await this.tickets.get(ticket.transferredTo);
    }
    return ticket;
  }

  async fromCitizen(ticket: Ticket, text: string): Promise<void> {
    await this.tickets.addMessage(ticket.id, 'citizen', text);
  }

  async cancelByCitizen(ticket: Ticket): Promise<void> {
    await this.tickets.apply(ticket.id, { type: 'close', outcome: 'returned-to-bot' });
  }

  // The operators' side. Who may see which ticket is checked by the API before these run.

  async claim(staff: Staff, ticketId: string): Promise<Ticket> {
    await this.checkCapacity(staff);
    const ticket = await this.tickets.apply(ticketId, {
      type: 'claim',
      by: staff,
      expiresAt: this.claimExpiry(),
    });
    await this.joined(ticket);
    return ticket;
  }

  async claimNext(staff: Staff): Promise<Ticket | undefined> {
    await this.checkCapacity(staff);
    const ticket = await this.tickets.claimNext(staff, this.claimExpiry());
    if (ticket) await this.joined(ticket);
    return ticket;
  }

  async reply(staff: Staff, ticketId: string, text: string): Promise<TicketMessage> {
    const ticket = await this.held(staff, ticketId);
    // Sent before it is recorded: an operator whose reply did not reach the citizen is told so.
    if (!ticket.reference) throw new TicketConflict(`ticket ${ticketId} has no conversation to reply to`);
    await this.channel.notify(ticket.reference, {
      kind: 'operator',
      lang: ticket.lang,
      text,
      queue: ticket.queue,
      crisisSlug: ticket.crisisSlug,
    });
    return this.tickets.addMessage(ticket.id, 'operator', text, staff.id);
  }

  async typing(staff: Staff, ticketId: string): Promise<void> {
    const ticket = await this.held(staff, ticketId);
    if (ticket.reference) await this.channel.typing(ticket.reference);
  }

  async close(staff: Staff, ticketId: string, outcome: Outcome): Promise<Ticket> {
    const ticket = await this.tickets.get(ticketId);
    if (ticket.state === 'assigned' && ticket.assignee?.id !== staff.id) {
      throw new TicketConflict(`ticket ${ticketId} is held by someone else`);
    }
    const closed = await this.tickets.apply(ticketId, { type: 'close', outcome });
    if (outcome !== 'callback-done') {
      await this.tell(closed, { kind: 'info', lang: closed.lang, keys: ['handoff:closed'] });
    }
    return closed;
  }

  /**
   * Closes every open ticket of a crisis whose service ends, telling each citizen (in their
   * language) what `notice` says. Returns how many were closed.
   */
  async closeAllOf(
    crisisSlug: string,
    outcome: Outcome,
    notice: (lang: string) => Pick<CitizenNotice, 'keys' | 'values'>,
  ): Promise<number> {
    let closed = 0;
    for (const open of await this.tickets.openOf(crisisSlug)) {
      try {
        const ticket = await this.tickets.apply(open.id, { type: 'close', outcome });
        closed++;
        await this.tell(ticket, { kind: 'info', lang: ticket.lang, ...notice(ticket.lang) });
      } catch (error) {
        if (!(error instanceof TicketConflict)) throw error;
      }
    }
    return closed;
  }

  /** Hands the conversation to another queue or language: this ticket closes, a new one waits. */
  async transfer(staff: Staff, ticketId: string, to: { queue?: Queue; lang?: string }): Promise<Ticket> {
    const from = await this.tickets.get(ticketId);
    if (from.state === 'assigned' && from.assignee?.id !== staff.id) {
      throw new TicketConflict(`ticket ${ticketId} is held by someone else`);
    }
    if (from.state === 'closed') throw new TicketConflict(`ticket ${ticketId} is closed`);
    const queue = to.queue ?? from.queue;
    const lang = to.lang ?? from.lang;
    if (queue === from.queue && lang === from.lang) throw new TicketConflict('transfer to the same queue');
    const transcript = await this.tickets.transcript(from.id);
    const expected = await this.nextPlace(queue, lang);
    const next = await this.tickets.open(
      {
        queue,
        reason: 'transfer',
        urgent: from.priority === 0,
        crisisSlug: from.crisisSlug,
        conversationId: from.conversationId,
        channelId: from.channelId,
        lang,
        reference: from.reference,
        transcript: transcript.map(({ at, from: author, text }) => ({ at, from: author, text })),
        intake: await this.tickets.intake(from.id),
        callbackPhone: await this.tickets.callbackPhone(from.id),
      },
      expected,
    );
    await this.tickets.apply(from.id, { type: 'close', outcome: 'transferred', transferredTo: next.id });
    const place = await this.settle(next, expected);
    // The citizen keeps the language they wrote in; the new team reads the transcript.
    await this.tell(next, this.placeNotice(next, place, 'handoff:transferred', from.lang));
    this.logger.info({ from: from.id, to: next.id, queue, lang }, 'ticket transferred');
    return next;
  }

  /** Keeps a connected operator's claims from lapsing. */
  async stillConnected(staff: Staff): Promise<void> {
    await this.tickets.extendClaims(staff.id, this.claimExpiry());
  }

  /** Run periodically in every process; what each step does happens once across processes. */
  async sweep(now = new Date()): Promise<void> {
    // One read of the tickets not closed serves every step: on FerretDB each read of tickets by
    // anything but `_id` decodes all of them, closed ones included.
    const open = await this.tickets.allOpen();
    for (const lapsed of open.filter((t) => t.state === 'assigned' && t.expiresAt && t.expiresAt < now)) {
      try {
        const ticket = await this.tickets.apply(lapsed.id, { type: 'expire' }, now);
        const place = await this.place(ticket);
        await this.tickets.markNotified(ticket.id, place.position, place.waitMinutes);
        await this.tell(ticket, this.placeNotice(ticket, place, 'handoff:requeued'));
        this.logger.warn(
          { ticketId: ticket.id, operator: lapsed.assignee?.id },
          'claim lapsed: ticket back in the queue',
        );
      } catch (error) {
        if (!(error instanceof TicketConflict)) throw error;
      }
    }
    // Places are derived from one read of the queue, and staffing read once per queue and language.
    const requeued = open.some((t) => t.state === 'assigned' && t.expiresAt && t.expiresAt < now);
    const waiting = requeued ? await this.tickets.allWaiting() : open.filter((t) => t.state === 'waiting');
    const assigned = open.filter((t) => t.state === 'assigned').map((t) => ({ assignee: t.assignee?.id }));
    const positions = queuePositions(waiting);
    const staffing = new Map<string, Awaited<ReturnType<typeof staffingOf>>>();
    for (const ticket of waiting) {
      if (ticket.reason === 'callback' || !ticket.reference) continue;
      const key = `${ticket.queue}:${ticket.lang}`;
      if (!staffing.has(key)) {
        // The claims lapsed above are no longer assigned: then the staffing reads them afresh.
        const known = requeued ? undefined : assigned;
        staffing.set(key, await staffingOf(ticket.queue, ticket.lang, this.settings, undefined, known));
      }
      const position = positions.get(ticket.id)!;
      const place = { position, waitMinutes: waitMinutesAt(position, staffing.get(key)!) };
      if (!changedMeaningfully(ticket, place)) continue;
      if (!(await this.tickets.once(`${ticket.id}:told:${place.position}:${place.waitMinutes}`))) continue;
      await this.tickets.markNotified(ticket.id, place.position, place.waitMinutes);
      await this.tell(ticket, this.placeNotice(ticket, place));
    }
  }

  /** "You are number N, about M minutes", after what happened (`lead`): the one wording of a place in the queue. */
  placeNotice(ticket: Ticket, place: QueuePlace, lead?: string, lang = ticket.lang): CitizenNotice {
    return {
      kind: 'handoff',
      lang,
      keys: [...(lead ? [lead] : []), 'handoff:place'],
      values: {
        position: place.position,
        wait: place.waitMinutes,
        context: place.waitMinutes < 0 ? 'unknown' : place.waitMinutes === 0 ? 'soon' : undefined,
      },
      queue: ticket.queue,
      position: place.position,
    };
  }

  private async joined(ticket: Ticket): Promise<void> {
    await this.tell(ticket, {
      kind: 'handoff',
      lang: ticket.lang,
      keys: [ticket.queue === 'd2' ? 'handoff:specialistJoined' : 'handoff:operatorJoined'],
      values: { name: ticket.assignee?.name },
      queue: ticket.queue,
    });
  }

  private async held(staff: Staff, ticketId: string): Promise<Ticket> {
    const ticket = await this.tickets.get(ticketId);
    if (ticket.state !== 'assigned' || ticket.assignee?.id !== staff.id) {
      throw new TicketConflict(`ticket ${ticketId} is not held by ${staff.name}`);
    }
    return ticket;
  }

  private async checkCapacity(staff: Staff): Promise<void> {
    const held = await this.tickets.assignedTo(staff.id);
    if (held.length >= this.settings.capacity) {
      throw new AtCapacity(`${staff.name} already has ${held.length} conversations`);
    }
  }

  private claimExpiry(): Date {
    return new Date(Date.now() + this.settings.graceMs);
  }

  /** A notice the citizen misses (channel down) does not undo what the operator did. */
  private async tell(ticket: Ticket, notice: CitizenNotice): Promise<void> {
    if (!ticket.reference) return;
    try {
      await this.channel.notify(ticket.reference, { ...notice, crisisSlug: ticket.crisisSlug });
    } catch (error) {
      this.logger.warn({ err: error, ticketId: ticket.id, kind: notice.kind }, 'could not reach the citizen');
    }
  }
}

export class AtCapacity extends Error {}
