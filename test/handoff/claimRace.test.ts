import { Types } from 'mongoose';
import { IntakeCipher, Tickets, type Staff } from '../../handoff';
import { TicketModel } from '../../models';
import { useTestDatabase } from '../helpers/db';

const TICKETS = 1000;
const OPERATORS = 20;
/** Operators are spread over this many bot processes, each with its own view of the queue. */
const PROCESSES = 4;

describe('claiming tickets', () => {
  useTestDatabase();

  it(`gives each of ${TICKETS} waiting tickets to exactly one of ${OPERATORS} racing operators`, async () => {
    const start = Date.now();
    await TicketModel.insertMany(
      Array.from({ length: TICKETS }, (_, i) => ({
        _id: new Types.ObjectId(),
        queue: 'd5',
        reason: 'person-request',
        state: 'waiting',
        priority: i % 10 === 0 ? 0 : 1,
        crisisSlug: 'race',
        conversationId: `conv-${i}`,
        channelId: 'test',
        lang: 'en',
        createdAt: new Date(start + i),
      })),
    );
    const cipher = new IntakeCipher(Buffer.alloc(32, 1));
    const processes = Array.from({ length: PROCESSES }, () => new Tickets(cipher));
    const expiresAt = new Date(Date.now() + 3_600_000);
    const operators: Staff[] = Array.from({ length: OPERATORS }, (_, i) => ({
      id: `op-${i}`,
      name: `Operator ${i}`,
      roles: ['operator'],
      languages: ['en'],
    }));

    const claims = await Promise.all(
      operators.map(async (operator, i) => {
        const tickets = processes[i % PROCESSES]!;
        const mine: string[] = [];
        for (;;) {
          const ticket = await tickets.claimNext(operator, expiresAt);
          if (!ticket) return { operator: operator.id, tickets: mine };
          expect(ticket.assignee?.id).toBe(operator.id);
          mine.push(ticket.id);
        }
      }),
    );

    const claimed = claims.flatMap((c) => c.tickets);
    expect(claimed).toHaveLength(TICKETS);
    expect(new Set(claimed).size).toBe(TICKETS);
    // What each operator was told they hold is what the database says they hold.
    for (const { operator, tickets } of claims) {
      const held = await TicketModel.find({ assignee: operator }, { _id: 1 }).lean();
      expect(held.map((t) => t._id.toHexString()).sort()).toEqual([...tickets].sort());
    }
    expect(await TicketModel.countDocuments({ state: 'waiting' })).toBe(0);
    expect(await TicketModel.countDocuments({ version: { $ne: 1 } })).toBe(0);
    // Every operator got work: nobody was starved by the others.
    expect(claims.filter((c) => c.tickets.length > 0)).toHaveLength(OPERATORS);
  }, 240_000);
});
