import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countedUsage, InteractionLog, usageFromLog, type InteractionEntry } from '../../accounting';
import mongoose from 'mongoose';
import { InteractionModel } from '../../models';
import { connectDatabase, disconnectDatabase, startEmbeddedDb, type EmbeddedDb } from '../../embedded';
import { freePort, PROJECT_ROOT, silentLogger, useTestDatabase, waitFor } from '../helpers/db';

const entry = (crisisSlug: string, i: number): InteractionEntry => ({
  crisisSlug,
  conversationId: `c${i}`,
  channelId: 'test',
  direction: i % 2 ? 'out' : 'in',
  lang: 'fr',
});

const ALL_TIME = { from: new Date(0), to: new Date('2100-01-01T00:00:00Z') };

/** The counters the log kept for cost reports agree with the log itself: nothing counted twice or missed. */
async function expectCountersToMatchLog(crisisSlug: string): Promise<void> {
  const counted = await countedUsage([crisisSlug], ALL_TIME);
  expect(counted.length).toBeGreaterThan(0);
  expect(counted).toEqual(await usageFromLog([crisisSlug], ALL_TIME));
}

/** How many times each conversationId is stored: an entry written twice shows up as a 2. */
async function storedCounts(crisisSlug: string): Promise<Map<string, number>> {
  const rows = await InteractionModel.aggregate<{ _id: string; n: number }>([
    { $match: { crisisSlug } },
    { $group: { _id: '$conversationId', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((row) => [row._id, row.n]));
}

function expectEachOnce(counts: Map<string, number>, total: number): void {
  expect(counts.size).toBe(total);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
}

describe('InteractionLog', () => {
  useTestDatabase();
  const logs: InteractionLog[] = [];
  const newLog = (options: Partial<ConstructorParameters<typeof InteractionLog>[0]> = {}) => {
    const log = new InteractionLog({ logger: silentLogger, ...options });
    logs.push(log);
    return log;
  };
  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close(1000)));
  });

  it('writes recorded entries in batches on its own, with day and hour from `at` in UTC', async () => {
    const log = newLog({ batchSize: 40, flushIntervalMs: 50 });
    for (let i = 0; i < 99; i++) log.record(entry('batches', i));
    log.record({ ...entry('batches', 99), at: new Date('2026-11-28T23:59:30+01:00') });

    await waitFor(
      async () => (await InteractionModel.countDocuments({ crisisSlug: 'batches' })) === 100,
      '100 entries',
    );

    // The last batch is in the database before its write returns to the log: wait for that too.
    await waitFor(() => log.pending === 0, 'nothing pending');
    const late = await InteractionModel.findOne({ crisisSlug: 'batches', conversationId: 'c99' }).lean();
    expect(late).toMatchObject({ day: '2026-11-28', hour: 22, at: new Date('2026-11-28T22:59:30Z') });
    const first = await InteractionModel.findOne({ crisisSlug: 'batches', conversationId: 'c0' }).lean();
    expect(Math.abs(first!.at.getTime() - Date.now())).toBeLessThan(10_000);
    expect(first!.day).toBe(first!.at.toISOString().slice(0, 10));
  });

  it('stores only the known fields, and no nulls for those left out', async () => {
    const log = newLog({ flushIntervalMs: 60_000 });
    const extra = { text: 'a citizen message that must not reach the cost log' };
    log.record({ ...entry('fields', 0), faqId: undefined, ...extra } as InteractionEntry);
    await log.flush();

    const stored = await InteractionModel.collection.findOne({ crisisSlug: 'fields' });
    expect(Object.keys(stored!).sort()).toEqual(
      ['_id', 'at', 'channelId', 'conversationId', 'crisisSlug', 'day', 'direction', 'hour', 'lang'].sort(),
    );
  });

  it('flush() writes everything buffered, without waiting for the timer', async () => {
    const log = newLog({ flushIntervalMs: 60_000 });
    for (let i = 0; i < 30; i++) log.record(entry('flush', i));
    expect(log.pending).toBe(30);
    expect(await InteractionModel.countDocuments({ crisisSlug: 'flush' })).toBe(0);

    await log.flush();

    expect(log.pending).toBe(0);
    expectEachOnce(await storedCounts('flush'), 30);
  });

  it('does not duplicate entries when it retries a batch that was partly written', async () => {
    const log = newLog({ flushIntervalMs: 60_000, retryBaseMs: 10 });
    for (let i = 0; i < 20; i++) log.record(entry('retry', i));
    const realInsertMany = InteractionModel.insertMany.bind(InteractionModel);
    // The first attempt writes half the batch, then loses the connection before the reply.
    const spy = jest.spyOn(InteractionModel, 'insertMany').mockImplementationOnce((async (
      docs: unknown[],
      options: object,
    ) => {
      await realInsertMany(docs.slice(0, 10), options);
      throw Object.assign(new Error('connection reset'), { name: 'MongoNetworkError' });
    }) as never);

    let attempts: number;
    try {
      await log.flush();
    } finally {
      attempts = spy.mock.calls.length;
      spy.mockRestore();
    }

    expect(attempts).toBe(2);
    expect(log.pending).toBe(0);
    expectEachOnce(await storedCounts('retry'), 20);
    await expectCountersToMatchLog('retry');
  });

  it('counts each conversation as started once when its mark was written but not acknowledged', async () => {
    const log = newLog({ flushIntervalMs: 60_000, retryBaseMs: 10 });
    for (let i = 0; i < 20; i++) log.record({ ...entry('marks', i), direction: 'in' });
    const collection = mongoose.mongo.Collection.prototype;
    const realInsertMany = collection.insertMany;
    let failed = false;
    // The marks are stored, then the reply is lost: the retry finds them already there.
    const spy = jest.spyOn(collection, 'insertMany').mockImplementation(async function (
      this: mongoose.mongo.Collection,
      ...args: Parameters<typeof realInsertMany>
    ) {
      const result = await realInsertMany.apply(this, args);
      if (failed || !this.collectionName.startsWith('conversationmarks')) return result;
      failed = true;
      throw Object.assign(new Error('connection reset'), { name: 'MongoNetworkError' });
    } as never);
    try {
      await log.flush();
    } finally {
      spy.mockRestore();
    }
    const [usage] = await countedUsage(['marks'], ALL_TIME);
    expect(usage!.conversations).toEqual([{ channel: 'test', lang: 'fr', count: 20 }]);
    await expectCountersToMatchLog('marks');
  });

  it('keeps at most maxBuffer entries, dropping the oldest and saying how many', async () => {
    const logger = silentLogger.child({});
    const errors = jest.spyOn(logger, 'error');
    const log = newLog({ logger, maxBuffer: 5, flushIntervalMs: 60_000 });

    for (let i = 0; i < 8; i++) log.record(entry('bounded', i));
    expect(log.pending).toBe(5);
    await log.close();

    expect([...(await storedCounts('bounded')).keys()].sort()).toEqual(['c3', 'c4', 'c5', 'c6', 'c7']);
    // Drops are reported in bursts (at most one log line a second), so add them up.
    const reported = errors.mock.calls.map(([fields]) => (fields as { dropped?: number }).dropped ?? 0);
    expect(reported.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('close() writes what is still buffered', async () => {
    const log = new InteractionLog({ logger: silentLogger, flushIntervalMs: 60_000 });
    for (let i = 0; i < 7; i++) log.record(entry('close', i));

    await log.close();

    expectEachOnce(await storedCounts('close'), 7);
  });

  it('record() never throws, even for an entry it cannot use', () => {
    const log = newLog({ flushIntervalMs: 60_000 });
    expect(() => log.record({ ...entry('bad', 0), at: new Date('not a date') })).not.toThrow();
    expect(log.pending).toBe(0);
  });
});

describe('InteractionLog through a database outage', () => {
  const OUTAGE_MS = 10_000;
  let dir: string;
  let port: number;
  let db: EmbeddedDb | undefined;
  const start = () => startEmbeddedDb({ dataDir: dir, port, logger: silentLogger, rootDir: PROJECT_ROOT });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-outage-'));
    port = await freePort();
    db = await start();
    await connectDatabase(db.uri, silentLogger);
  });

  afterAll(async () => {
    await disconnectDatabase();
    await db?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes every entry exactly once after the database comes back', async () => {
    const log = new InteractionLog({
      logger: silentLogger,
      flushIntervalMs: 100,
      retryBaseMs: 100,
      retryMaxMs: 1000,
    });
    let n = 0;
    for (; n < 50; n++) log.record(entry('outage', n));
    await log.flush();
    expect(await InteractionModel.countDocuments({ crisisSlug: 'outage' })).toBe(50);

    await db!.stop();
    const downUntil = Date.now() + OUTAGE_MS;
    while (Date.now() < downUntil) {
      log.record(entry('outage', n++));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Nothing could be written, and nothing was thrown away.
    expect(log.pending).toBe(n - 50);

    db = await start();
    for (const end = n + 20; n < end; n++) log.record(entry('outage', n));
    await log.close(30_000);

    expect(log.pending).toBe(0);
    expectEachOnce(await storedCounts('outage'), n);
    await expectCountersToMatchLog('outage');
  }, 60_000);
});
