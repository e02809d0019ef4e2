import { Types } from 'mongoose';
import {
  activeTickets,
  CLOSED_KEPT_MS,
  groupedBy,
  InsertLocks,
  ticketMessages,
  TicketModel,
  type ActiveTicketDoc,
  type TicketDoc,
  type TicketMessageDoc,
} from '../models';
import type { D2Intake } from './d2Intake';
import type { IntakeCipher, SealedIntake } from './intakeCipher';
import { nextTicketState, type TicketEvent } from './ticketTransitions';
import {
  QUEUE_ROLE,
  TicketConflict,
  TicketNotFound,
  type Author,
  type ConversationRef,
  type Queue,
  type Reason,
  type Staff,
  type Ticket,
  type TicketMessage,
  type TranscriptEntry,
} from './types';

export interface NewTicket {
  queue: Queue;
  reason: Reason;
  urgent?: boolean;
  crisisSlug: string;
  conversationId: string;
  channelId: string;
  lang: string;
  reference?: ConversationRef;
  /** What was said with the bot before the handoff. */
  transcript?: TranscriptEntry[];
  /** D2 only, and only with the citizen's consent. */
  intake?: D2Intake;
  callbackPhone?: string;
}

/** What deleting a ticket's personal data unsets: its sealed intake, transcript and callback number. */
export const UNSET_PERSONAL_DATA = { intake: 1, transcript: 1, callbackPhone: 1 } as const;

/** The collection of ticket version locks (purged by the retention job). */
export const TICKET_LOCKS = 'ticketlocks';
/** A version lock this old was left by a writer that died between taking it and writing. */
const TICKET_LOCK_STALE_MS = 30_000;
/** Tries of a transition that lost a race to another writer of the same ticket. */
const MAX_ATTEMPTS = 4;
const RETRY_DELAY_MS = 15;
/** The shared list of waiting tickets of one process: how many, and how long it is trusted. */
const HINT_SIZE = 100;
const HINT_TTL_MS = 2000;
interface WaitingHint {
  at: number;
  tickets: Ticket[];
}

function toTicket(doc: TicketDoc | ActiveTicketDoc): Ticket {
  return {
    id: doc._id.toHexString(),
    version: doc.version,
    queue: doc.queue,
    state: doc.state,
    outcome: doc.outcome ?? undefined,
    reason: doc.reason,
    priority: doc.priority,
    crisisSlug: doc.crisisSlug,
    exercise: Boolean(doc.exercise),
    conversationId: doc.conversationId,
    channelId: doc.channelId,
    lang: doc.lang,
    reference: (doc.reference as ConversationRef | undefined) ?? undefined,
    assignee: doc.assignee ? { id: doc.assignee, name: doc.assigneeName ?? '' } : undefined,
    assignedAt: doc.assignedAt ?? undefined,
    claims: (doc.claims ?? []).map((claim) => ({
      by: claim.by ?? '',
      from: claim.from ?? new Date(0),
      ...(claim.to ? { to: claim.to } : {}),
    })),
    expiresAt: doc.expiresAt ?? undefined,
    closedAt: doc.closedAt ?? undefined,
    createdAt: (doc as unknown as { createdAt: Date }).createdAt,
    transferredTo: doc.transferredTo ?? undefined,
    hasIntake: 'hasIntake' in doc ? doc.hasIntake : Boolean(doc.intake),
    hasCallback: 'hasCallback' in doc ? doc.hasCallback : Boolean(doc.callbackPhone),
    callbackDeletedAt: doc.callbackDeletedAt ?? undefined,
    notifiedPosition: doc.notifiedPosition ?? undefined,
    notifiedWaitMinutes: doc.notifiedWaitMinutes ?? undefined,
  };
}

/** The update that stores what a transition changes (the fields `toTicket` reads back). */
function stateUpdate(ticket: Ticket): { $set: Record<string, unknown>; $unset?: Record<string, 1> } {
  const fields: Record<string, unknown> = {
    version: ticket.version,
    state: ticket.state,
    outcome: ticket.outcome,
    assignee: ticket.assignee?.id,
    assigneeName: ticket.assignee?.name,
    assignedAt: ticket.assignedAt,
    claims: ticket.claims,
    expiresAt: ticket.expiresAt,
    closedAt: ticket.closedAt,
    transferredTo: ticket.transferredTo,
    notifiedPosition: ticket.notifiedPosition,
    notifiedWaitMinutes: ticket.notifiedWaitMinutes,
  };
  const entries = Object.entries(fields);
  const unset = entries.filter(([, value]) => value === undefined).map(([key]) => [key, 1 as const]);
  return {
    $set: Object.fromEntries(entries.filter(([, value]) => value !== undefined)),
    ...(unset.length ? { $unset: Object.fromEntries(unset) } : {}),
  };
}

/** The lock of a ticket's version `version`: taken by the one writer that replaces it. */
function versionLock(id: string, version: number): string {
  return `${id}:v${version}`;
}

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * (attempt + 1)));

/** Whether a ticket still holds any of the personal data retention deletes. */
function holdsPersonalData(doc: TicketDoc): boolean {
  return Boolean(doc.intake || doc.transcript || doc.callbackPhone);
}

/** What a ticket keeps as a record of the personal data deleted from it (`held`: what it held). */
export function deletionMarks(
  held: Partial<Pick<TicketDoc, 'intake' | 'callbackPhone'>>,
  now: Date,
): { intakeDeletedAt?: Date; callbackDeletedAt?: Date } {
  return {
    ...(held.intake ? { intakeDeletedAt: now } : {}),
    ...(held.callbackPhone ? { callbackDeletedAt: now } : {}),
  };
}

/**
 * Deletes the sealed personal data of tickets that have an active copy (at most `WRITE_BATCH`),
 * each written as a transition is (see `Tickets.tryApply`): a new version, under the lock of the
 * one read, the copy first and set right from the ticket, so it stops noting data that is gone. A
 * plain update would leave the copy saying the ticket has an intake or a callback number, and on
 * FerretDB, which updates a document as a read then a write of all of it, could write back a
 * version a transition replaced. Batched, since a sweep may find thousands: one read of the
 * tickets, one insert of their locks, one write of their copies, and one update of the tickets per
 * version and kind of data deleted. Answers the tickets whose data was deleted (as read), and how
 * many other writers kept (the next sweep finds them still holding the data).
 */
export async function deleteCopiedPersonalData(
  ids: Types.ObjectId[],
  now: Date,
): Promise<{ deleted: TicketDoc[]; kept: number }> {
  const locks = new InsertLocks(TICKET_LOCKS, TICKET_LOCK_STALE_MS);
  const deleted: TicketDoc[] = [];
  let pending = ids;
  let lost: TicketDoc[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 0) await pause(attempt - 1);
    const docs = (await TicketModel.find({ _id: { $in: pending } }).lean<TicketDoc[]>()).filter(
      holdsPersonalData,
    );
    const taken = await locks.takeEach(docs.map((doc) => versionLock(doc._id.toHexString(), doc.version)));
    const won = docs.filter((_, index) => taken[index]);
    await writeDeletion(won, now);
    deleted.push(...won);
    lost = docs.filter((_, index) => !taken[index]);
    pending = lost.map((doc) => doc._id);
  }
  for (const doc of lost) await locks.clearIfStale(versionLock(doc._id.toHexString(), doc.version));
  return { deleted, kept: lost.length };
}

/** The writes of `deleteCopiedPersonalData` for tickets whose version locks the caller holds. */
async function writeDeletion(docs: TicketDoc[], now: Date): Promise<void> {
  const changes = docs.map((doc) => ({
    doc,
    changed: { version: doc.version + 1, ...deletionMarks(doc, now) },
  }));
  await activeTickets.replaceAll(
    changes.map(({ doc, changed }) => {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the data deleted
      const { intake, transcript, callbackPhone, ...kept } = doc;
      return { ...kept, ...changed } as TicketDoc;
    }),
  );
  for (const group of groupedBy(changes, ({ changed }) => JSON.stringify(changed))) {
    await TicketModel.updateMany(
      { _id: { $in: group.map(({ doc }) => doc._id) } },
      { $set: group[0]!.changed, $unset: UNSET_PERSONAL_DATA },
    );
  }
}

/**
 * The most urgent tickets, from a random one of them on: each process starts somewhere else in
 * the head of the queue, so processes claiming at once rarely contend for the same ticket.
 */
function rotateWithinTopPriority(list: Ticket[]): Ticket[] {
  const top = list.filter((t) => t.priority === list[0]?.priority);
  const start = Math.floor(Math.random() * top.length);
  return [...top.slice(start), ...top.slice(0, start), ...list.slice(top.length)];
}

/**
 * Places in the queue (1 = next) of tickets listed in queue order: a ticket's place counts the
 * tickets before it in its queue and language, as `Tickets.position` does one at a time. The list
 * must hold every waiting ticket of the queues and languages it covers up to the last one listed.
 */
export function queuePositions(ordered: Ticket[]): Map<string, number> {
  const seen = new Map<string, number>();
  const positions = new Map<string, number>();
  for (const ticket of ordered) {
    const key = `${ticket.queue}:${ticket.lang}`;
    const position = (seen.get(key) ?? 0) + 1;
    seen.set(key, position);
    positions.set(ticket.id, position);
  }
  return positions;
}

/** Queues and languages someone may take tickets from, as a database filter. */
export function servedBy(staff: Pick<Staff, 'roles' | 'languages'>): Record<string, unknown> {
  const queues = (Object.keys(QUEUE_ROLE) as Queue[]).filter((q) => staff.roles.includes(QUEUE_ROLE[q]));
  return { queue: { $in: queues }, lang: { $in: staff.languages } };
}

/**
 * The tickets collection: opening, moving tickets through the state machine, and the messages
 * of handed-over conversations. A transition takes a lock named after the ticket and the version
 * it replaces, so of any number of racing writers in any number of processes exactly one moves
 * a ticket from a given version (claims included).
 */
export class Tickets {
  private readonly locks = new InsertLocks(TICKET_LOCKS, TICKET_LOCK_STALE_MS);
  private readonly waitingHint = new Map<string, WaitingHint>();
  private readonly loading = new Map<string, { started: number; tickets: Promise<Ticket[]> }>();

  constructor(
    private readonly cipher: IntakeCipher,
    /** Whether a crisis is an exercise: its tickets say so, for every view and report of them. */
    private readonly isExercise: (crisisSlug: string) => boolean = () => false,
  ) {}

  /** `told`: the place in the queue the citizen is told as the ticket opens. */
  async open(input: NewTicket, told?: { position: number; waitMinutes: number }): Promise<Ticket> {
    const _id = new Types.ObjectId();
    const id = _id.toHexString();
    const doc = await TicketModel.create({
      _id,
      queue: input.queue,
      reason: input.reason,
      state: 'waiting',
      priority: input.urgent ? 0 : 1,
      crisisSlug: input.crisisSlug,
      ...(this.isExercise(input.crisisSlug) ? { exercise: true } : {}),
      conversationId: input.conversationId,
      channelId: input.channelId,
      lang: input.lang,
      reference: input.reference,
      consent: Boolean(input.intake),
      intake: input.intake ? this.cipher.seal(input.intake, id) : undefined,
      transcript: input.transcript?.length ? this.cipher.seal(input.transcript, id) : undefined,
      callbackPhone: input.callbackPhone ? this.cipher.seal(input.callbackPhone, id) : undefined,
      notifiedPosition: told?.position,
      notifiedWaitMinutes: told?.waitMinutes,
    });
    const created = doc.toObject() as TicketDoc;
    await activeTickets.opened(created);
    return toTicket(created);
  }

  async get(id: string): Promise<Ticket> {
    if (!Types.ObjectId.isValid(id)) throw new TicketNotFound(`no ticket ${id}`);
    const doc = await TicketModel.findById(id).lean<TicketDoc>();
    if (!doc) throw new TicketNotFound(`no ticket ${id}`);
    return toTicket(doc);
  }

  /** Moves a ticket through the state machine; TicketConflict when it no longer applies. */
  async apply(id: string, event: TicketEvent, now = new Date()): Promise<Ticket> {
    let lock = '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ticket = await this.get(id);
      const moved = await this.tryApply(ticket, event, now);
      if (moved) return moved;
      lock = this.lockName(ticket);
      await pause(attempt);
    }
    // A lock this old was left by a process that died half-way: clear it and let the caller retry.
    await this.locks.clearIfStale(lock);
    throw new TicketConflict(`ticket ${id} is being changed by someone else`);
  }

  /**
   * One attempt to move the ticket from the version read. Version locks are kept, not released:
   * `id:vN` existing means version N has been (or is being) replaced, so a writer holding a stale
   * read fails at the lock, and the write needs no conditional update, which FerretDB runs as a
   * slow scan and not atomically. As everywhere with these locks, a holder stalled longer than
   * the stale period could be overtaken.
   */
  private async tryApply(read: Ticket, event: TicketEvent, now: Date): Promise<Ticket | undefined> {
    let next: Ticket;
    try {
      next = { ...nextTicketState(read, event, now), version: read.version + 1 };
    } catch (error) {
      // Refused for the state read, which may come from a copy a failed write left ahead.
      if (error instanceof TicketConflict) await this.resyncCopy(read.id);
      throw error;
    }
    if (!(await this.locks.take(this.lockName(read)))) return undefined;
    const update = stateUpdate(next);
    // The copy first: the next version's writer starts from the ticket, so its copy comes after this one.
    await activeTickets.changed(read.id, update);
    await TicketModel.updateOne({ _id: read.id }, update);
    return next;
  }

  /**
   * Sets right a copy its writer left ahead of the ticket (the database failed between the two
   * writes): only once that writer's lock is stale, never while a writer is between them.
   */
  private async resyncCopy(id: string): Promise<void> {
    const doc = await TicketModel.findById(id).lean<TicketDoc>();
    if (doc && (await this.locks.clearIfStale(versionLock(id, doc.version)))) await activeTickets.resync(doc);
  }

  private lockName(ticket: Ticket): string {
    return versionLock(ticket.id, ticket.version);
  }

  async assignedTo(staffId: string): Promise<Ticket[]> {
    const docs = await activeTickets.find(
      { assignee: staffId, state: 'assigned' },
      { sort: { assignedAt: 1 } },
    );
    return docs.map(toTicket);
  }

  /** Waiting tickets someone may take, most urgent first, then oldest. */
  async waitingFor(staff: Pick<Staff, 'roles' | 'languages'>, limit = 200): Promise<Ticket[]> {
    const docs = await activeTickets.find(
      { state: 'waiting', ...servedBy(staff) },
      { sort: { priority: 1, createdAt: 1 }, limit },
    );
    return docs.map(toTicket);
  }

  /**
   * Takes the next ticket the operator may serve; undefined when none is waiting. Claimers in one
   * process share the list of waiting tickets and take from it in order, so they neither collide
   * nor each scan the queue for every claim; claimers in other processes are kept out by the lock.
   */
  async claimNext(staff: Staff, expiresAt: Date): Promise<Ticket | undefined> {
    const key = JSON.stringify(servedBy(staff));
    const tried = new Set<string>();
    let fresh = false;
    for (;;) {
      const shared = fresh ? undefined : this.sharedWaiting(key);
      const list = shared ?? (await this.loadWaiting(key, staff, fresh ? Date.now() : 0));
      let next = list.shift();
      while (next && tried.has(next.id)) next = list.shift();
      if (!next) {
        // Only a list read after everything tried here failed can say nothing is left.
        if (fresh) return undefined;
        fresh = true;
        continue;
      }
      fresh = false;
      tried.add(next.id);
      try {
        const claimed = await this.tryApply(next, { type: 'claim', by: staff, expiresAt }, new Date());
        if (claimed) return claimed;
      } catch (error) {
        if (!(error instanceof TicketConflict)) throw error;
      }
    }
  }

  private sharedWaiting(key: string): Ticket[] | undefined {
    const hint = this.waitingHint.get(key);
    return hint && hint.tickets.length > 0 && Date.now() - hint.at < HINT_TTL_MS ? hint.tickets : undefined;
  }

  /** Reads the waiting list once for all claimers of the process that need one read since `after`. */
  private async loadWaiting(key: string, staff: Staff, after: number): Promise<Ticket[]> {
    const inFlight = this.loading.get(key);
    if (inFlight && inFlight.started >= after) return inFlight.tickets;
    const started = Date.now();
    const tickets = this.waitingFor(staff, HINT_SIZE).then((list) => {
      const spread = rotateWithinTopPriority(list);
      this.waitingHint.set(key, { at: Date.now(), tickets: spread });
      return spread;
    });
    this.loading.set(key, { started, tickets });
    try {
      return await tickets;
    } finally {
      if (this.loading.get(key)?.tickets === tickets) this.loading.delete(key);
    }
  }

  async waitingCount(queue: Queue, lang: string): Promise<number> {
    return activeTickets.count({ state: 'waiting', queue, lang });
  }

  /** 1 for the next ticket to be taken in its queue and language. */
  async position(ticket: Ticket): Promise<number> {
    const ahead = await activeTickets.count({
      state: 'waiting',
      queue: ticket.queue,
      lang: ticket.lang,
      $or: [
        { priority: { $lt: ticket.priority } },
        { priority: ticket.priority, createdAt: { $lt: ticket.createdAt } },
      ],
    });
    return ahead + 1;
  }

  async openOf(crisisSlug: string): Promise<Ticket[]> {
    const docs = await activeTickets.find({ crisisSlug, state: { $ne: 'closed' } });
    return docs.map(toTicket);
  }

  /** The conversations with a ticket not yet closed. */
  async openConversations(): Promise<Array<{ channelId: string; conversationId: string }>> {
    const docs = await activeTickets.find(
      { state: { $ne: 'closed' } },
      { projection: { channelId: 1, conversationId: 1 } },
    );
    return docs.map(({ channelId, conversationId }) => ({ channelId, conversationId }));
  }

  async expired(now: Date): Promise<Ticket[]> {
    const docs = await activeTickets.find({ state: 'assigned', expiresAt: { $lt: now } });
    return docs.map(toTicket);
  }

  /** Every waiting ticket, most urgent first, then oldest: the order places are counted in. */
  async allWaiting(): Promise<Ticket[]> {
    const docs = await activeTickets.find({ state: 'waiting' }, { sort: { priority: 1, createdAt: 1 } });
    return docs.map(toTicket);
  }

  /** Every ticket not closed, most urgent first, then oldest: one read for what the console shows. */
  async allOpen(): Promise<Ticket[]> {
    const docs = await activeTickets.find(
      { state: { $ne: 'closed' } },
      { sort: { priority: 1, createdAt: 1 } },
    );
    return docs.map(toTicket);
  }

  /** Lets the active tickets forget those closed before the window of handling times (hourly). */
  async forgetClosed(now = new Date()): Promise<void> {
    await activeTickets.forgetClosedBefore(new Date(now.getTime() - CLOSED_KEPT_MS));
  }

  /** Keeps the claims of a connected operator alive. */
  async extendClaims(staffId: string, expiresAt: Date): Promise<void> {
    for (const ticket of await this.assignedTo(staffId)) {
      await this.apply(ticket.id, { type: 'extend', expiresAt }).catch((error: unknown) => {
        if (!(error instanceof TicketConflict)) throw error;
      });
    }
  }

  /**
   * Records the place last told to a waiting citizen, as a change of version like any other: the
   * sweep works from one read of the tickets, and FerretDB runs an update as a read then a write
   * of the whole document, so a plain update could write over a claim made meanwhile. A ticket
   * that moved on since needs no record.
   */
  async markNotified(id: string, position: number, waitMinutes: number): Promise<void> {
    await this.apply(id, { type: 'notified', position, waitMinutes }).catch((error: unknown) => {
      if (!(error instanceof TicketConflict)) throw error;
    });
  }

  /** A lock per (ticket, what was told), so one process of many tells the citizen. */
  async once(name: string): Promise<boolean> {
    return this.locks.take(name);
  }

  async addMessage(ticketId: string, from: Author, text: string, authorId?: string): Promise<TicketMessage> {
    const doc = {
      _id: new Types.ObjectId(),
      ticketId,
      at: new Date(),
      from,
      ...(authorId ? { authorId } : {}),
      text: this.cipher.seal(text, ticketId),
    };
    await (await ticketMessages.for(ticketId)).insertOne(doc);
    return { id: doc._id.toHexString(), at: doc.at.toISOString(), from, text };
  }

  /** Messages of the ticket in order; with `since`, only those at or after it (callers de-duplicate by id). */
  async messages(ticketId: string, since?: Date): Promise<TicketMessage[]> {
    const partition = await ticketMessages.for(ticketId);
    const docs = await partition
      .find({ ticketId, ...(since ? { at: { $gte: since } } : {}) })
      .sort({ at: 1, _id: 1 })
      .toArray();
    return docs.map((d) => this.messageOf(d));
  }

  private messageOf(d: TicketMessageDoc): TicketMessage {
    return {
      id: d._id.toHexString(),
      at: d.at.toISOString(),
      from: d.from,
      text: this.cipher.open<string>(d.text as SealedIntake, d.ticketId),
    };
  }

  /** Messages of several tickets at or after `since`, in order, by ticket: one read per partition for many streams. */
  async messagesSince(ticketIds: string[], since: Date): Promise<Map<string, TicketMessage[]>> {
    const byTicket = new Map<string, TicketMessage[]>();
    for (const { partition, routes } of await ticketMessages.batchesOf(ticketIds)) {
      const docs = await partition
        .find({ ticketId: { $in: routes }, at: { $gte: since } })
        .sort({ at: 1, _id: 1 })
        .toArray();
      for (const d of docs)
        byTicket.set(d.ticketId, [...(byTicket.get(d.ticketId) ?? []), this.messageOf(d)]);
    }
    return byTicket;
  }

  /** The bot part of the conversation, then what was relayed: what an operator reads. */
  async transcript(ticketId: string): Promise<TicketMessage[]> {
    const doc = await TicketModel.findById(ticketId, { transcript: 1 }).lean();
    const before = doc?.transcript
      ? this.cipher.open<TranscriptEntry[]>(doc.transcript as SealedIntake, ticketId)
      : [];
    const relayed = await this.messages(ticketId);
    return [...before.map((e, i) => ({ ...e, id: `${ticketId}-t${i}` })), ...relayed];
  }

  async intake(ticketId: string): Promise<D2Intake | undefined> {
    const doc = await TicketModel.findById(ticketId, { intake: 1 }).lean();
    return doc?.intake ? this.cipher.open<D2Intake>(doc.intake as SealedIntake, ticketId) : undefined;
  }

  async callbackPhone(ticketId: string): Promise<string | undefined> {
    const doc = await TicketModel.findById(ticketId, { callbackPhone: 1 }).lean();
    return doc?.callbackPhone
      ? this.cipher.open<string>(doc.callbackPhone as SealedIntake, ticketId)
      : undefined;
  }
}
