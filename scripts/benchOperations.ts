/**
 * `npm run bench:operations`: fills a fresh embedded database (or MONGODB_URI) with BENCH_TICKETS
 * (5,000) tickets of three days, the last of them still open, BENCH_MESSAGES (20,000) citizens'
 * messages in the recent window and 40 operators online, then times the operations view's shared
 * read and the figures computed from it, as every stream and /metrics use them.
 */
import { Types } from 'mongoose';
import pino from 'pino';
import { LiveOperations, OperationsReads } from '../admin';
import { LIVE_WINDOW_HOURS, recordLiveMessages } from '../accounting';
import { CrisisModel, TicketModel, UserModel } from '../models';
import { withThrowawayDatabase } from './throwawayDatabase';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 5000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const OPEN = 150;
const OPERATORS = 40;
const RUNS = 5;
const LANGS = ['fr', 'nl', 'de', 'en'];
const SLUGS = ['bench-flood', 'bench-fire'];
const HOUR_MS = 3_600_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function fill(now: number): Promise<void> {
  await CrisisModel.insertMany(
    SLUGS.map((slug) => ({
      slug,
      status: 'active',
      languages: LANGS,
      liveVersion: 1,
      activatedAt: new Date(now - 72 * HOUR_MS),
    })),
  );
  const operators = Array.from({ length: OPERATORS }, (_, i) => ({
    _id: new Types.ObjectId(),
    username: `bench-op-${i}`,
    displayName: `Operator ${i}`,
    passwordHash: 'x',
    roles: [i % 5 === 0 ? 'd2-agent' : 'operator'],
    languages: [LANGS[i % 4]!, 'en'],
    presence: 'available',
    lastSeenAt: new Date(now),
  }));
  await UserModel.insertMany(operators);
  const tickets = Array.from({ length: TICKETS }, (_, i) => {
    const open = i >= TICKETS - OPEN;
    const createdAt = new Date(
      now - (open ? (TICKETS - i) * 5_000 : (TICKETS - i) * ((72 * HOUR_MS) / TICKETS)),
    );
    const from = new Date(createdAt.getTime() + 60_000);
    const assigned = open && i % 3 === 0;
    return {
      queue: i % 7 === 0 ? 'd2' : 'd5',
      reason: 'person-request',
      state: open ? (assigned ? 'assigned' : 'waiting') : 'closed',
      crisisSlug: SLUGS[i % 2]!,
      conversationId: `bench-${i}`,
      channelId: 'webchat',
      lang: LANGS[i % 4]!,
      createdAt,
      updatedAt: createdAt,
      ...(assigned
        ? { assignee: operators[i % OPERATORS]!._id.toHexString(), claims: [{ by: 'x', from }] }
        : {}),
      ...(!open
        ? {
            claims: [{ by: 'x', from, to: new Date(from.getTime() + 240_000) }],
            closedAt: new Date(from.getTime() + 240_000),
          }
        : {}),
    };
  });
  await TicketModel.insertMany(tickets, { lean: true });
  const messages = Array.from({ length: MESSAGES }, (_, i) => ({
    _id: `bench-${i}`,
    crisisSlug: SLUGS[i % 2]!,
    conversationId: `bench-c${i % (MESSAGES / 4)}`,
    lang: LANGS[i % 4]!,
    direction: 'in' as const,
    kind: ['answer', 'answer', 'clarify', 'handoff'][i % 4]!,
    at: new Date(now - (i / MESSAGES) * LIVE_WINDOW_HOURS * HOUR_MS),
  }));
  for (let i = 0; i < messages.length; i += 5000) await recordLiveMessages(messages.slice(i, i + 5000));
}

async function main(): Promise<void> {
  await withThrowawayDatabase(
    { name: 'bench-operations', logger: pino({ level: 'warn' }), uri: process.env.MONGODB_URI },
    async () => {
      const now = Date.now();
      await fill(now);
      const policy = {
        capacity: 3,
        target: { serviceLevel: 0.8, targetSeconds: 120 },
        arrivalWindowMs: 15 * 60_000,
        defaultHandleMs: 300_000,
      };
      const reads: number[] = [];
      const steady: number[] = [];
      const computes: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        // A new reader each run: the first read of a process, which reads the whole window.
        const operations = new LiveOperations(
          new OperationsReads({ pollMs: 0, onlineWindowMs: 60_000 }),
          policy,
        );
        let started = performance.now();
        const data = await operations.reads.data();
        reads.push(performance.now() - started);
        // The next read of the same process (messages only since the previous one), once the last is stale.
        await new Promise((resolve) => setTimeout(resolve, 2 * operations.reads.readMs + 10));
        started = performance.now();
        await operations.reads.data();
        steady.push(performance.now() - started);
        started = performance.now();
        await operations.figures(SLUGS);
        for (const slug of SLUGS) await operations.figures([slug]);
        computes.push(performance.now() - started);
        if (run === 0)
          console.log(
            `read: ${data.tickets.length} tickets, ${data.messages.length} messages, ${data.operators.length} operators`,
          );
      }
      console.log(
        `first read: median ${median(reads).toFixed(0)} ms (${reads.map((r) => r.toFixed(0)).join(', ')})`,
      );
      console.log(
        `next reads: median ${median(steady).toFixed(0)} ms (${steady.map((r) => r.toFixed(0)).join(', ')})`,
      );
      console.log(`figures of all crises and each: median ${median(computes).toFixed(1)} ms`);
    },
  );
}

void main();
