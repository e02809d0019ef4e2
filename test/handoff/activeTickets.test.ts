import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../embedded';
import {
  deleteTicketPersonalData,
  HandoffDesk,
  IntakeCipher,
  purgeExpiredIntakes,
  Tickets,
  type NewTicket,
  type Staff,
  type Ticket,
} from '../../handoff';
import type { CitizenNotice } from '../../handoff/citizenChannel';
import { InsertLocks, preparePartitions, TicketModel, UserModel } from '../../models';
import { silentLogger, testDatabaseUri } from '../helpers/db';

const HOUR_MS = 3_600_000;
const cipher = new IntakeCipher(Buffer.alloc(32, 3));
const settings = { capacity: 5, maxWaitMinutes: 600, onlineWindowMs: HOUR_MS, graceMs: 60_000 };

/** The reads of `tickets` by anything but `_id`: each decodes every ticket on FerretDB. */
const scans: string[] = [];

function onlyById(filter: unknown): boolean {
  return typeof filter === 'object' && filter !== null && Object.keys(filter).join() === '_id';
}

beforeAll(async () => {
  await connectDatabase(testDatabaseUri(`t_${randomUUID().replaceAll('-', '').slice(0, 12)}`), silentLogger, {
    monitorCommands: true,
  });
  mongoose.connection.getClient().on('commandStarted', (event) => {
    const command = event.command as Record<string, unknown>;
    if (command[event.commandName] !== 'tickets') return;
    const filter =
      event.commandName === 'find'
        ? command.filter
        : event.commandName === 'aggregate'
          ? ((command.pipeline as Record<string, unknown>[])[0]?.$match ?? {})
          : event.commandName === 'count'
            ? command.query
            : undefined;
    if (filter !== undefined && !onlyById(filter))
      scans.push(`${event.commandName} ${JSON.stringify(filter)}`);
  });
  // The layout of an engine that scans.
  await preparePartitions({ requested: 4, logger: silentLogger });
});

afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await disconnectDatabase();
});

const newTicket = (i: number, lang = 'en'): NewTicket => ({
  queue: 'd5',
  reason: 'person-request',
  crisisSlug: 'active',
  conversationId: `conv-${i}`,
  channelId: 'test',
  lang,
  reference: { conversation: { id: `conv-${i}` } } as NewTicket['reference'],
});

const operators: Staff[] = Array.from({ length: 6 }, (_, i) => ({
  id: '',
  name: `Operator ${i}`,
  roles: ['operator'],
  languages: ['en', 'fr'],
}));

/** What the lists show of a ticket, to compare a copy with the ticket. */
const shown = (t: Ticket) => ({
  id: t.id,
  version: t.version,
  state: t.state,
  assignee: t.assignee,
  expiresAt: t.expiresAt,
  notifiedPosition: t.notifiedPosition,
  hasIntake: t.hasIntake,
  hasCallback: t.hasCallback,
});

describe('active tickets on an engine that scans', () => {
  const told: CitizenNotice[] = [];
  const processes = [new Tickets(cipher), new Tickets(cipher)];
  const desks = processes.map(
    (tickets) =>
      new HandoffDesk(
        tickets,
        { notify: async (_reference, notice) => void told.push(notice), typing: async () => {} },
        settings,
        silentLogger,
      ),
  );

  beforeAll(async () => {
    const users = await UserModel.insertMany(
      operators.map((o, i) => ({
        username: `operator${i}`,
        displayName: o.name,
        passwordHash: 'x',
        roles: o.roles,
        languages: o.languages,
        presence: 'available',
        lastSeenAt: new Date(),
      })),
    );
    users.forEach((u, i) => (operators[i]!.id = u._id.toHexString()));
    // A past day's tickets, closed long ago: stored as the record only.
    await TicketModel.insertMany(
      Array.from({ length: 300 }, (_, i) => ({
        ...newTicket(1000 + i),
        state: 'closed',
        outcome: 'resolved',
        closedAt: new Date(Date.now() - 5 * HOUR_MS),
      })),
    );
  });

  it('keeps every copy equal to its ticket through racing claims, expiries, closes and transfers', async () => {
    const opened: Ticket[] = [];
    for (let i = 0; i < 12; i++) {
      const admitted = await desks[i % 2]!.admit(newTicket(i, i % 3 === 0 ? 'fr' : 'en'));
      if (!admitted.admitted) throw new Error('not admitted');
      opened.push(admitted.ticket);
    }
    // Operators of two processes race for the queue: each version has one writer.
    const soon = new Date(Date.now() + 60_000);
    const claimed = (
      await Promise.all(
        operators.map((operator, i) => processes[i % 2]!.claimNext(operator, soon).catch(() => undefined)),
      )
    ).filter((t): t is Ticket => t !== undefined);
    expect(new Set(claimed.map((t) => t.id)).size).toBe(claimed.length);
    expect(claimed.length).toBeGreaterThan(0);
    // One claim lapses (the sweep hands it back), one ticket closes, one is transferred.
    await processes[0]!.apply(claimed[0]!.id, { type: 'extend', expiresAt: new Date(Date.now() - 1000) });
    await desks[1]!.close(
      operators.find((o) => o.id === claimed[1]!.assignee?.id)!,
      claimed[1]!.id,
      'resolved',
    );
    const waiting = opened.find((t) => !claimed.some((c) => c.id === t.id))!;
    const transferred = await desks[0]!.transfer(operators[0]!, waiting.id, {
      lang: waiting.lang === 'fr' ? 'en' : 'fr',
    });
    const callback = await desks[1]!.admit({
      ...newTicket(50),
      reason: 'callback',
      callbackPhone: '+32470000000',
    });
    await Promise.all(desks.map((desk) => desk.sweep()));

    const records = (await TicketModel.find({ crisisSlug: 'active', state: { $ne: 'closed' } }).lean()).map(
      (doc) => doc._id.toHexString(),
    );
    const listed = await processes[1]!.allOpen();
    expect(listed.map((t) => t.id).sort()).toEqual([...records].sort());
    for (const ticket of listed) expect(shown(ticket)).toEqual(shown(await processes[0]!.get(ticket.id)));
    expect(listed.map((t) => t.id)).toContain(transferred.id);
    expect(listed.map((t) => t.id)).toContain(claimed[0]!.id);
    expect(listed.find((t) => t.id === claimed[0]!.id)?.state).toBe('waiting');
    expect(callback.admitted && listed.find((t) => t.id === callback.ticket.id)?.hasCallback).toBe(true);
    expect(told.some((n) => n.keys?.includes('handoff:requeued'))).toBe(true);
  });

  it('reads no ticket beyond the active ones for the sweep, the queue, the console and admissions', async () => {
    scans.length = 0;
    const [tickets] = processes;
    await desks[0]!.sweep();
    await tickets!.allOpen();
    await tickets!.waitingFor(operators[0]!);
    await tickets!.openConversations();
    const admitted = await desks[0]!.admit(newTicket(99));
    expect(admitted.admitted).toBe(true);
    await tickets!.claimNext(operators[2]!, new Date(Date.now() + 60_000));
    expect(scans).toEqual([]);
  });

  it('sets right a copy left ahead of its ticket by a writer that failed between the two writes', async () => {
    const admitted = await desks[0]!.admit(newTicket(70));
    if (!admitted.admitted) throw new Error('not admitted');
    const { id, version } = admitted.ticket;
    // The writer of a claim took the lock and wrote the copy, then the database failed: the
    // ticket still waits, its copy says it is in hand, and the lock is long stale.
    const lapsed = new Date(Date.now() - 60_000);
    await mongoose.connection
      .db!.collection('ticketlocks')
      .insertOne({ _id: `${id}:v${version}`, at: new Date(Date.now() - 10 * 60_000) } as never);
    await mongoose.connection.db!.collection('activetickets').updateOne(
      { _id: new mongoose.Types.ObjectId(id) },
      {
        $set: {
          state: 'assigned',
          version: version + 1,
          assignee: operators[0]!.id,
          assignedAt: lapsed,
          expiresAt: lapsed,
        },
      },
    );
    expect((await processes[0]!.allOpen()).find((t) => t.id === id)?.state).toBe('assigned');

    // The claim lapses for the sweep, which is refused by the ticket: the copy follows the ticket.
    await desks[1]!.sweep();

    expect(shown((await processes[0]!.allOpen()).find((t) => t.id === id)!)).toEqual(
      shown(await processes[0]!.get(id)),
    );
    expect((await processes[1]!.get(id)).state).toBe('waiting');
    const claimed = await processes[1]!.apply(id, {
      type: 'claim',
      by: operators[3]!,
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(claimed.assignee?.id).toBe(operators[3]!.id);
    expect((await processes[0]!.allOpen()).find((t) => t.id === id)?.assignee?.id).toBe(operators[3]!.id);
  });

  it('keeps copies agreeing with their tickets when retention deletes intakes and callback numbers', async () => {
    const d2 = await processes[0]!.open({
      ...newTicket(80),
      queue: 'd2',
      reason: 'd2',
      intake: {
        callerName: 'Ann Peeters',
        callerPhone: '+32470123456',
        relation: 'daughter',
        personName: 'Jef Peeters',
        personAge: '81 years',
        description: 'grey coat',
        lastSeen: 'home, yesterday 18:00',
      },
      callbackPhone: '+32470123456',
    });
    const held = await processes[1]!.open({
      ...newTicket(81),
      reason: 'callback',
      callbackPhone: '+32470654321',
    });
    await processes[1]!.apply(held.id, {
      type: 'claim',
      by: operators[4]!,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const later = new Date(Date.now() + 31 * 24 * HOUR_MS);

    expect(
      await purgeExpiredIntakes({ now: later, retentionDays: 30, logger: silentLogger }),
    ).toBeGreaterThan(1);

    const listed = await processes[1]!.allOpen();
    for (const ticket of listed) expect(shown(ticket)).toEqual(shown(await processes[0]!.get(ticket.id)));
    for (const id of [d2.id, held.id])
      expect(listed.find((t) => t.id === id)).toMatchObject({ hasIntake: false, hasCallback: false });
    expect((await TicketModel.findById(d2.id).lean())!.intakeDeletedAt).toEqual(later);
    // The D2 agent who takes it next is not told of an intake or a number that are gone.
    const agent: Staff = { id: 'd2-agent-1', name: 'D2 agent', roles: ['d2-agent'], languages: ['en'] };
    const claimed = await processes[0]!.claimNext(agent, new Date(Date.now() + 60_000));
    expect(claimed).toMatchObject({ id: d2.id, hasIntake: false, hasCallback: false });
    expect(shown((await processes[1]!.allOpen()).find((t) => t.id === d2.id)!)).toEqual(
      shown(await processes[1]!.get(d2.id)),
    );
  });

  it('leaves a ticket another writer is changing to the next sweep, and deletes the rest of its batch', async () => {
    const callbacks = await Promise.all(
      [92, 93, 94].map((i, n) =>
        processes[0]!.open({ ...newTicket(i), reason: 'callback', callbackPhone: `+3247000000${n}` }),
      ),
    );
    const [changing, ...others] = callbacks;
    // Another writer holds the lock of the version read: it is replacing it.
    const lock = `${changing!.id}:v${changing!.version}`;
    const locks = new InsertLocks('ticketlocks');
    expect(await locks.take(lock)).toBe(true);
    const theseTickets = { _id: { $in: callbacks.map((t) => new mongoose.Types.ObjectId(t.id)) } };
    const later = new Date(Date.now() + 31 * 24 * HOUR_MS);
    const phoneOf = async (t: Ticket) => (await TicketModel.findById(t.id).lean())!.callbackPhone;

    expect(await deleteTicketPersonalData(theseTickets, later)).toMatchObject({ tickets: 2, kept: 1 });
    expect(await phoneOf(changing!)).toBeDefined();
    for (const t of others) expect(await phoneOf(t)).toBeUndefined();

    await locks.release(lock);
    expect(await deleteTicketPersonalData(theseTickets, later)).toMatchObject({ tickets: 1, kept: 0 });
    expect(await phoneOf(changing!)).toBeUndefined();
    const listed = await processes[1]!.allOpen();
    for (const t of callbacks) {
      expect(shown(listed.find((l) => l.id === t.id)!)).toEqual(shown(await processes[0]!.get(t.id)));
      expect(await processes[0]!.get(t.id)).toMatchObject({ version: t.version + 1, hasCallback: false });
    }
  });

  it('forgets copies of tickets closed before the window, never the tickets', async () => {
    const copies = () => mongoose.connection.db!.collection('activetickets');
    expect(await copies().countDocuments({ state: 'closed' })).toBeGreaterThan(0);
    const open = (await processes[0]!.allOpen()).map(shown);

    await processes[0]!.forgetClosed(new Date(Date.now() + 3 * HOUR_MS));

    expect(await copies().countDocuments({ state: 'closed' })).toBe(0);
    expect((await processes[0]!.allOpen()).map(shown)).toEqual(open);
    expect(await TicketModel.countDocuments({ crisisSlug: 'active', state: 'closed' })).toBeGreaterThan(1);
  });

  it('reads them from the tickets themselves in the one-collection layout, as on MongoDB', async () => {
    await preparePartitions({ requested: 1, logger: silentLogger });
    const before = (await processes[0]!.allOpen()).map(shown);
    scans.length = 0;
    await processes[0]!.waitingFor(operators[0]!);
    expect(scans.length).toBeGreaterThan(0);
    await preparePartitions({ requested: 4, logger: silentLogger });
    expect((await processes[0]!.allOpen()).map(shown)).toEqual(before);
  });
});
