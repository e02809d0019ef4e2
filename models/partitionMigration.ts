import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { activeTicketsLaidOut, layOutActiveTickets } from './activeTickets';
import { InsertLocks, onlyDuplicates } from './insertLock';
import {
  forgetPartitionCount,
  LAYOUT_COLLECTION,
  partitionCount,
  partitionedCollections,
  recordPartitionCount,
  type PartitionedCollection,
} from './partitionedCollection';

/**
 * Partitions per conversation collection on an engine that scans (FerretDB v1): measured on
 * FerretDB 1.24.2 (SQLite), a lookup by `_id` among 391 documents (100,000 conversations in 256
 * partitions) costs what it costs among 1,000 in one collection (see README, "Scale").
 */
export const SCANNING_ENGINE_PARTITIONS = 256;
const BATCH = 500;
const MIGRATION_LOCK = 'conversation-partitions-migration';
/** A migration lock this old was left by a process that died: another one takes the work over. */
const MIGRATION_STALE_MS = 2 * 60_000;
const WAIT_POLL_MS = 500;
const WAIT_LIMIT_MS = 30 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** FerretDB answers buildInfo with its own version beside the MongoDB one it emulates. */
export async function engineScans(): Promise<boolean> {
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

/**
 * Brings the conversation collections to `requested` partitions (default: 256 on FerretDB, 1
 * elsewhere), moving every document of the current layout, and returns the count in use. One
 * process migrates, under a lock, while others starting at the same time wait for it. Every step
 * can be repeated: documents are copied (a copy already there is left as it is), a source
 * collection is emptied only once all of it is copied, and the new count is recorded last, so a
 * migration cut short starts again from the old layout and loses nothing. A partitioned layout
 * also keeps copies of the active tickets (`models/activeTickets.ts`), made here after the count.
 */
export async function preparePartitions(options: {
  requested?: number;
  logger: Logger;
}): Promise<{ count: number; scanning: boolean }> {
  const scanning = await engineScans();
  const target = options.requested ?? (scanning ? SCANNING_ENGINE_PARTITIONS : 1);
  const locks = new InsertLocks(LAYOUT_COLLECTION, MIGRATION_STALE_MS);
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let waiting = false;
  for (;;) {
    const current = await partitionCount();
    if (current === target && (await activeTicketsLaidOut(target))) return { count: target, scanning };
    const done = await locks.with(MIGRATION_LOCK, async () => {
      // Another process may have migrated between that read and taking the lock.
      forgetPartitionCount();
      const from = await partitionCount();
      if (from !== target) await migrate(from, target, options.logger, () => locks.refresh(MIGRATION_LOCK));
      // After the count, so that a migration cut short between the two makes the copies at the next start.
      await layOutActiveTickets(target, options.logger);
    });
    if (done) return { count: target, scanning };
    if (Date.now() > deadline)
      throw new Error('the conversation collections are being migrated by another process for too long');
    if (!waiting) {
      options.logger.info(
        { from: current, to: target },
        'waiting for another process to migrate the conversation collections',
      );
      waiting = true;
    }
    await sleep(WAIT_POLL_MS);
    // The other process records the new count when it is done: read it afresh.
    forgetPartitionCount();
  }
}

async function migrate(
  from: number,
  to: number,
  logger: Logger,
  heartbeat: () => Promise<void>,
): Promise<void> {
  const started = Date.now();
  let moved = 0;
  for (const collection of partitionedCollections()) {
    for (let index = 0; index < from; index++) {
      moved += await moveOut(collection, from, index, to, heartbeat);
    }
  }
  await recordPartitionCount(to);
  logger.info({ from, to, documents: moved, ms: Date.now() - started }, 'conversation collections migrated');
}

/** Copies one source collection into the partitions of the new layout, then empties it. */
async function moveOut(
  collection: PartitionedCollection<{ _id: unknown }>,
  from: number,
  index: number,
  to: number,
  heartbeat: () => Promise<void>,
): Promise<number> {
  const source = collection.partition(from, index);
  let moved = 0;
  let batch: { _id: unknown }[] = [];
  const flush = async () => {
    const byTarget = new Map<number, { _id: unknown }[]>();
    for (const doc of batch) {
      const target = collection.indexOf(doc, to);
      byTarget.set(target, [...(byTarget.get(target) ?? []), doc]);
    }
    for (const [target, docs] of byTarget) {
      await collection
        .partition(to, target)
        .insertMany(docs, { ordered: false })
        .catch((error: unknown) => {
          // Copied by an earlier attempt that did not finish: that copy is the same document.
          if (!onlyDuplicates(error)) throw error;
        });
    }
    moved += batch.length;
    batch = [];
    await heartbeat();
  };
  for await (const doc of source.find({}, { batchSize: BATCH })) {
    batch.push(doc);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  // The plain collection keeps its indexes (its mongoose model's); a partition is no longer needed.
  if (from === 1) await source.deleteMany({});
  else await source.drop().catch(() => undefined);
  return moved;
}
