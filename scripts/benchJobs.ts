/**
 * `npm run bench:jobs`: what the background jobs cost at BENCH_TICKETS tickets (5,000) on the
 * embedded database: the handoff sweep, the console's poll (open tickets and the messages of
 * those in hand), a claim's read of the queue, an admission, and the hourly retention jobs.
 *
 * The tickets of a past crisis day are stored directly (closed between 3 and 24 hours ago, each
 * with a transcript, two relayed messages and the version locks of its three changes), then
 * BENCH_ACTIVE (100) go through the product's own paths: opened, 40 of them claimed, 10 closed.
 * Each job runs BENCH_RUNS times (5); the median and the slowest are printed.
 *
 * Half of the past day's tickets (and half of the 100) are an exercise's, each past one with its
 * conversation's log entry, state and two Direct Line activities. Last, the deleting runs, each
 * timed once and then again with nothing left: the exercise clean-up after its retention period,
 * then the ticket retention with every ticket past it.
 */
import os from 'node:os';
import mongoose from 'mongoose';
import pino from 'pino';
import { purgeOldInteractions } from '../accounting';
import { purgeExerciseData } from '../bot/exerciseRetention';
import { conversationKeyOf } from '../bot/idleState';
import { HandoffDesk, IntakeCipher, purgeExpiredIntakes, Tickets } from '../handoff';
import {
  botStates,
  CrisisModel,
  directLineActivities,
  InteractionModel,
  preparePartitions,
  ticketMessages,
  TicketModel,
  UserModel,
  type PartitionedCollection,
} from '../models';
import { withThrowawayDatabase } from './throwawayDatabase';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 5000);
const ACTIVE = Number(process.env.BENCH_ACTIVE ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HOUR_MS = 3_600_000;
const LANGS = ['fr', 'nl', 'de', 'en'];
const EXERCISE = 'drill';
const DAY_MS = 24 * HOUR_MS;
const crisisOf = (i: number) => (i % 2 === 1 ? EXERCISE : 'demo');
const logger = pino({ level: 'warn' });

const sealed = (text: string) => ({
  iv: 'iv',
  tag: 'tag',
  data: Buffer.from(text).toString('base64'),
  keyId: 'k',
});

/** Stores documents in the partitions they belong to, one insert per partition. */
async function insertPartitioned<T extends { _id: unknown }>(
  collection: PartitionedCollection<T>,
  docs: T[],
): Promise<void> {
  const byPartition = new Map<string, T[]>();
  for (const doc of docs) {
    const name = (await collection.for(collection.routeOf(doc))).collectionName;
    byPartition.set(name, [...(byPartition.get(name) ?? []), doc]);
  }
  for (const group of byPartition.values())
    await (await collection.for(collection.routeOf(group[0]!))).insertMany(group as never[]);
}

/** The closed tickets of a past day, with their messages and version locks, stored in batches. */
async function storePastDay(count: number): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < count; start += 500) {
    const tickets = [];
    const locks = [];
    const messages = [];
    const logged = [];
    const states = [];
    const activities = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const _id = new mongoose.Types.ObjectId();
      const createdAt = new Date(now - 24 * HOUR_MS + ((21 * HOUR_MS) / count) * i);
      const assignedAt = new Date(createdAt.getTime() + 120_000);
      const closedAt = new Date(assignedAt.getTime() + 300_000);
      const id = _id.toHexString();
      tickets.push({
        _id,
        queue: i % 10 === 0 ? 'd2' : 'd5',
        state: 'closed',
        outcome: 'resolved',
        reason: 'person-request',
        version: 3,
        priority: 1,
        crisisSlug: crisisOf(i),
        ...(crisisOf(i) === EXERCISE ? { exercise: true } : {}),
        conversationId: `past-${i}`,
        channelId: crisisOf(i) === EXERCISE ? 'directline' : 'webchat',
        lang: LANGS[i % LANGS.length],
        reference: { conversation: { id: `past-${i}` }, serviceUrl: 'https://example.invalid' },
        consent: false,
        transcript: sealed(`transcript ${i}`),
        assignee: `op-${i % 20}`,
        assigneeName: 'Operator',
        assignedAt,
        claims: [{ by: `op-${i % 20}`, from: assignedAt, to: closedAt }],
        closedAt,
        createdAt,
        updatedAt: closedAt,
      });
      for (let v = 0; v < 3; v++) locks.push({ _id: `${id}:v${v}`, at: closedAt });
      for (let m = 0; m < 2; m++) {
        messages.push({
          _id: new mongoose.Types.ObjectId(),
          ticketId: id,
          at: closedAt,
          from: m === 0 ? ('citizen' as const) : ('operator' as const),
          text: sealed(`message ${m}`),
        });
      }
      if (crisisOf(i) === EXERCISE) {
        const conversation = `past-${i}`;
        logged.push({
          _id: `bench-${i}`,
          crisisSlug: EXERCISE,
          conversationId: conversation,
          channelId: 'directline',
          direction: 'in',
          at: createdAt,
          day: createdAt.toISOString().slice(0, 10),
          hour: createdAt.getUTCHours(),
        });
        states.push({
          _id: conversationKeyOf('directline', conversation),
          data: '{}',
          eTag: '1',
          updatedAt: closedAt,
        });
        for (let a = 1; a <= 2; a++) {
          const _id = `${conversation}:${String(a).padStart(9, '0')}`;
          activities.push({ _id, at: closedAt, activity: sealed(`activity ${a}`) });
        }
      }
    }
    await TicketModel.collection.insertMany(tickets);
    await mongoose.connection.collection('ticketlocks').insertMany(locks as never[]);
    await insertPartitioned(ticketMessages, messages);
    if (logged.length > 0) await InteractionModel.collection.insertMany(logged as never[]);
    await insertPartitioned(botStates, states);
    await insertPartitioned(directLineActivities, activities as never[]);
  }
}

async function time(run: () => Promise<unknown>): Promise<string> {
  const took: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    took.push(performance.now() - started);
  }
  took.sort((a, b) => a - b);
  return `median ${took[Math.floor(took.length / 2)]!.toFixed(0)} ms, slowest ${took.at(-1)!.toFixed(0)} ms`;
}

async function main(): Promise<void> {
  // Never MONGODB_URI: the retention jobs below delete what is old.
  await withThrowawayDatabase({ name: 'bench-jobs', logger }, async () => {
    const { count } = await preparePartitions({ logger });
    const cipher = new IntakeCipher(Buffer.alloc(32, 7));
    const tickets = new Tickets(cipher);
    const settings = { capacity: 3, maxWaitMinutes: 60, onlineWindowMs: 120_000, graceMs: 90_000 };
    const desk = new HandoffDesk(
      tickets,
      { notify: async () => {}, typing: async () => {} },
      settings,
      logger,
    );

    const started = Date.now();
    await CrisisModel.collection.insertOne({
      slug: EXERCISE,
      status: 'inactive',
      exercise: true,
      languages: LANGS,
      liveVersion: 1,
      activatedAt: new Date(Date.now() - DAY_MS),
    });
    await storePastDay(TICKETS - ACTIVE);
    const operators = await UserModel.insertMany(
      Array.from({ length: 20 }, (_, i) => ({
        username: `op${i}`,
        displayName: `Operator ${i}`,
        passwordHash: 'x',
        roles: i % 5 === 0 ? ['d2-agent'] : ['operator'],
        languages: LANGS,
        presence: 'available',
        lastSeenAt: new Date(),
      })),
    );
    const staff = operators.map((u) => ({
      id: u._id.toHexString(),
      name: u.displayName,
      roles: [...u.roles] as string[],
      languages: [...u.languages],
    }));
    const active = [];
    for (let i = 0; i < ACTIVE; i++) {
      active.push(
        await tickets.open({
          queue: i % 10 === 0 ? 'd2' : 'd5',
          reason: 'person-request',
          crisisSlug: crisisOf(i),
          conversationId: `now-${i}`,
          channelId: 'webchat',
          lang: LANGS[i % LANGS.length]!,
          reference: { conversation: { id: `now-${i}` } } as never,
          transcript: [{ at: new Date().toISOString(), from: 'citizen', text: 'help' }],
        }),
      );
    }
    const expiresAt = new Date(Date.now() + HOUR_MS);
    for (const [i, ticket] of active.slice(0, 40).entries()) {
      const operator = staff.find((s) => s.roles.includes(ticket.queue === 'd2' ? 'd2-agent' : 'operator'))!;
      const claimed = await tickets.apply(ticket.id, { type: 'claim', by: operator, expiresAt });
      await tickets.addMessage(ticket.id, 'citizen', 'still there?');
      if (i < 10) await tickets.apply(claimed.id, { type: 'close', outcome: 'resolved' });
    }
    console.log(
      `${TICKETS} tickets (${ACTIVE} through the product: 60 waiting, 30 in hand, 10 just closed), ` +
        `${count} partition(s), stored in ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${os.loadavg()[0]!.toFixed(1)}`,
    );

    const operator = staff[1]!;
    console.log(`handoff sweep:        ${await time(() => desk.sweep())}`);
    console.log(
      `console poll:         ${await time(async () => {
        const open = await tickets.allOpen();
        await tickets.messagesSince(
          open.filter((t) => t.state === 'assigned').map((t) => t.id),
          new Date(Date.now() - 15_000),
        );
      })}`,
    );
    console.log(`queue read of a claim: ${await time(() => tickets.waitingFor(operator, 100))}`);
    console.log(
      `admission (place, staffing): ${await time(() =>
        desk.admit({
          queue: 'd5',
          reason: 'person-request',
          crisisSlug: 'demo',
          conversationId: `admit-${Math.random()}`,
          channelId: 'webchat',
          lang: 'fr',
        }),
      )}`,
    );
    const now = new Date();
    console.log(
      `retention, tickets:   ${await time(() => purgeExpiredIntakes({ now, retentionDays: 30, logger }))}`,
    );
    console.log(
      `retention, interactions: ${await time(() => purgeOldInteractions({ now, retentionDays: 30 }))}`,
    );
    console.log(`open conversations (idle state sweep): ${await time(() => tickets.openConversations())}`);
    const once = async (run: () => Promise<unknown>) => {
      const started = performance.now();
      const result = await run();
      return `${(performance.now() - started).toFixed(0)} ms (${String(result)})`;
    };
    const exerciseCleanUp = () =>
      purgeExerciseData({ now: new Date(now.getTime() + 8 * DAY_MS), retentionDays: 7, logger });
    console.log(`exercise clean-up, deleting (tickets): ${await once(exerciseCleanUp)}`);
    await CrisisModel.updateOne({ slug: EXERCISE }, { $unset: { dataPurgedUntil: 1 } });
    console.log(`exercise clean-up, again (nothing left): ${await once(exerciseCleanUp)}`);
    const ticketRetention = () =>
      purgeExpiredIntakes({ now: new Date(now.getTime() + 31 * DAY_MS), retentionDays: 30, logger });
    console.log(`ticket retention, all expired (tickets): ${await once(ticketRetention)}`);
    console.log(`ticket retention, again (nothing left): ${await once(ticketRetention)}`);
    console.log(`load average at the end ${os.loadavg()[0]!.toFixed(1)}`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
