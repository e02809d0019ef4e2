import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { botStates, InsertLocks, isDuplicateKey } from '../models';

export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`eTag conflict for key "${key}": it was changed by another writer since it was read`);
    this.name = 'ETagConflictError';
  }
}

/**
 * botbuilder Storage on the `botstate` collection (`models/botState.ts`: one collection on
 * MongoDB, partitioned by conversation on FerretDB) with optimistic concurrency, which no
 * maintained MongoDB storage for botbuilder honours: an item carrying the eTag it was read with
 * is written only if nobody wrote it since; `*` or no eTag means "last writer wins".
 *
 * A conditional update ({_id, eTag} filter) alone is not enough on FerretDB v1 (see InsertLocks),
 * so a writer first takes a lock named after the key and the eTag it replaces.
 * Writes with `*` take no lock: racing one of them, a conditional write may still succeed on
 * FerretDB where MongoDB would refuse it, which "last writer wins" tolerates.
 * An item's top-level `held: true` (set by the storage above, which sees the state in the clear)
 * is stored beside the state, where the idle sweep reads it (bot/idleState.ts).
 * Every query is by `_id` alone: FerretDB evaluates that inside SQLite, any other filter by
 * decoding every document of the collection.
 */
export class MongoStorage implements Storage {
  private readonly locks = new InsertLocks('botstatelocks');

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const docs = await Promise.all(
      keys.map(async (key) =>
        (await botStates.for(key)).findOne({ _id: key }, { projection: { data: 1, eTag: 1 } }),
      ),
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
    await Promise.all(keys.map(async (key) => (await botStates.for(key)).deleteOne({ _id: key })));
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const { eTag, held, ...state } = item;
    const update = {
      $set: { data: JSON.stringify(state), eTag: randomUUID(), updatedAt: new Date(), held: held === true },
    };
    const collection = await botStates.for(key);

    if (eTag && eTag !== '*') {
      await this.withLock(key, eTag, async () => {
        // Under the lock only this writer can replace `eTag`, so a check then a write by `_id` is
        // as safe as a conditional update, and cheaper on FerretDB than a filter on `_id` and
        // `eTag`. A missing key is a conflict too.
        const current = await collection.findOne({ _id: key }, { projection: { eTag: 1 } });
        if (current?.eTag !== eTag) throw new ETagConflictError(key);
        await collection.updateOne({ _id: key }, update);
      });
      return;
    }

    try {
      await collection.updateOne({ _id: key }, update, { upsert: true });
    } catch (error) {
      // Two upserts of a new key can both miss and both insert; the loser now finds the document.
      if (!isDuplicateKey(error)) throw error;
      await collection.updateOne({ _id: key }, update);
    }
  }

  private async withLock(key: string, eTag: string, write: () => Promise<void>): Promise<void> {
    // Another writer replacing this eTag right now means this write is refused, as MongoDB would.
    const done = await this.locks.with(`${key}\n${eTag}`, write);
    if (!done) throw new ETagConflictError(key);
  }
}
