import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { BotStateModel } from '../models';

const DUPLICATE_KEY = 11000;
/** A lock this old was left by a writer that died between taking and releasing it. */
const LOCK_STALE_MS = 60_000;
const LOCKS_COLLECTION = 'botstatelocks';

interface WriteLock {
  _id: string;
  at: Date;
}

export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`eTag conflict for key "${key}": it was changed by another writer since it was read`);
    this.name = 'ETagConflictError';
  }
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === DUPLICATE_KEY;
}

/**
 * botbuilder Storage on the `botstate` collection with optimistic concurrency, which no
 * maintained MongoDB storage for botbuilder honours: an item carrying the eTag it was read with
 * is written only if nobody wrote it since; `*` or no eTag means "last writer wins".
 *
 * A conditional update ({_id, eTag} filter) alone is not enough: FerretDB v1 runs an update as a
 * read, then a separate write by _id, so two writers holding the same eTag can both match and
 * both "win". An insert into a unique _id is atomic there as on MongoDB, so a writer first
 * inserts a lock named after the key and the eTag it replaces; only one writer per eTag gets it.
 * Writes with `*` take no lock: racing one of them, a conditional write may still succeed on
 * FerretDB where MongoDB would refuse it, which "last writer wins" tolerates.
 */
export class MongoStorage implements Storage {
  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    // One lookup by _id per key: FerretDB's SQLite backend serves `_id` equality from its index but
    // scans for `$in` (measured: about 4x the throughput), and a turn reads one or two keys.
    const docs = await Promise.all(
      keys.map((key) => BotStateModel.findById(key, { data: 1, eTag: 1 }).lean()),
    );
    const items: StoreItems = {};
    for (const doc of docs) {
      if (doc) items[doc._id] = { ...(JSON.parse(doc.data) as StoreItem), eTag: doc.eTag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const results = await Promise.allSettled(
      Object.entries(changes).map(([key, item]) => this.writeOne(key, item as StoreItem)),
    );
    // Every write has settled before we report, so the caller never races with our own leftovers.
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await BotStateModel.deleteMany({ _id: { $in: keys } });
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const { eTag, ...state } = item;
    const update = { $set: { data: JSON.stringify(state), eTag: randomUUID() } };

    if (eTag && eTag !== '*') {
      await this.withLock(key, eTag, async () => {
        // No upsert: a key that does not exist has no eTag to match, so that is a conflict too.
        const result = await BotStateModel.updateOne({ _id: key, eTag }, update);
        if (result.matchedCount === 0) throw new ETagConflictError(key);
      });
      return;
    }

    try {
      await BotStateModel.updateOne({ _id: key }, update, { upsert: true });
    } catch (error) {
      // Two upserts of a new key can both miss and both insert; the loser now finds the document.
      if (!isDuplicateKey(error)) throw error;
      await BotStateModel.updateOne({ _id: key }, update);
    }
  }

  private async withLock(key: string, eTag: string, write: () => Promise<void>): Promise<void> {
    const locks = BotStateModel.db.collection<WriteLock>(LOCKS_COLLECTION);
    const _id = `${key}\n${eTag}`;
    try {
      await locks.insertOne({ _id, at: new Date() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Another writer is replacing this eTag right now, so this write is refused as MongoDB would.
      // A lock left by a writer that died is cleared here, so a later retry can succeed.
      await locks.deleteOne({ _id, at: { $lt: new Date(Date.now() - LOCK_STALE_MS) } });
      throw new ETagConflictError(key);
    }
    try {
      await write();
    } finally {
      await locks.deleteOne({ _id });
    }
  }
}
