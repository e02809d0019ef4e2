import mongoose from 'mongoose';

type Collection<T extends mongoose.mongo.Document> = mongoose.mongo.Collection<T>;

/** Where the partition count of the conversation collections is recorded, once migrated to it. */
export const LAYOUT_COLLECTION = 'storagelayout';
export const LAYOUT_ID = 'conversation-partitions';

interface LayoutDoc {
  _id: string;
  count: number;
}

/** The partition count of the database mongoose is connected to, read once per connection. */
let known: { db: mongoose.mongo.Db; count: Promise<number> } | undefined;

function database(): mongoose.mongo.Db {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected to the database');
  return db;
}

/**
 * The partition count the database is laid out in: what the start-up migration recorded, or 1
 * (one collection each, the layout before partitions existed) where it recorded nothing. Read
 * from the database rather than from configuration, so that every process and script that uses
 * these collections agrees with the data.
 */
export function partitionCount(): Promise<number> {
  const db = database();
  if (known?.db !== db) {
    const count = db
      .collection<LayoutDoc>(LAYOUT_COLLECTION)
      .findOne({ _id: LAYOUT_ID })
      .then((doc) => doc?.count ?? 1);
    known = { db, count };
    // A failed read (database away) is not remembered: the next call reads again.
    count.catch(() => {
      if (known?.count === count) known = undefined;
    });
  }
  return known.count;
}

export function forgetPartitionCount(): void {
  known = undefined;
}

/** Records the layout after a migration (the caller has already moved the documents). */
export async function recordPartitionCount(count: number): Promise<void> {
  const db = database();
  await db
    .collection<LayoutDoc>(LAYOUT_COLLECTION)
    .replaceOne({ _id: LAYOUT_ID }, { count }, { upsert: true });
  known = { db, count: Promise.resolve(count) };
}

/** FNV-1a: fast, and stable across processes and releases, as the layout on disk depends on it. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The most keys one batched write names in its `$in`: a day's clean-up touches thousands of
 * tickets and conversations, and FerretDB scans a collection for each statement, so one statement
 * per batch instead of per key; bounded so that a statement stays small.
 */
export const WRITE_BATCH = 500;

/** `items` in consecutive slices of at most `size`. */
export function inBatches<T>(items: readonly T[], size = WRITE_BATCH): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/** Groups `items` by a key: one batched write per group. */
export function groupedBy<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/** Which of `count` partitions holds the documents of `route`. */
function partitionIndex(count: number, route: string): number {
  return count === 1 ? 0 : hashOf(route) % count;
}

const registered: PartitionedCollection<{ _id: unknown }>[] = [];

/** Every partitioned collection, for the migration between layouts. */
export function partitionedCollections(): readonly PartitionedCollection<{ _id: unknown }>[] {
  return registered;
}

/**
 * A collection that is read and written on citizens' turns, split by a hash of the conversation
 * into `count` collections. FerretDB v1 serves no query from an index: a lookup by `_id` costs
 * time in proportion to the documents of its collection, so the data of 100,000 conversations
 * must not sit in one. With a count of 1 (MongoDB, where indexes work) it is one collection under
 * its plain name, with the indexes its mongoose model declares.
 */
export class PartitionedCollection<T extends { _id: unknown }> {
  constructor(
    readonly name: string,
    /** The conversation a document belongs to: all of one conversation's documents share a partition. */
    readonly routeOf: (doc: T) => string,
  ) {
    registered.push(this as unknown as PartitionedCollection<{ _id: unknown }>);
  }

  /** The collection that holds the documents of `conversation`. */
  async for(conversation: string): Promise<Collection<T>> {
    const count = await partitionCount();
    return this.partition(count, partitionIndex(count, conversation));
  }

  /**
   * The partitions holding the documents of `routes` (conversations, or tickets for messages), each
   * with its routes in batches of at most `WRITE_BATCH`: one statement per batch for many of them.
   */
  async batchesOf(routes: readonly string[]): Promise<Array<{ partition: Collection<T>; routes: string[] }>> {
    const count = await partitionCount();
    return groupedBy([...new Set(routes)], (route) => String(partitionIndex(count, route))).flatMap(
      (grouped) =>
        inBatches(grouped).map((batch) => ({
          partition: this.partition(count, partitionIndex(count, batch[0]!)),
          routes: batch,
        })),
    );
  }

  /** Every partition of the current layout (for sweeps, which read them all). */
  async all(): Promise<Collection<T>[]> {
    const count = await partitionCount();
    return Array.from({ length: count }, (_, index) => this.partition(count, index));
  }

  /** The partition's collection; FerretDB and MongoDB create it at the first insert. */
  partition(count: number, index: number): Collection<T> {
    return database().collection<T>(this.partitionName(count, index));
  }

  partitionName(count: number, index: number): string {
    if (count === 1) return this.name;
    // The count is part of the name: collections of two layouts never mix, which keeps a
    // migration between them restartable.
    return `${this.name}_${count}_${String(index).padStart(String(count - 1).length, '0')}`;
  }

  /** The partition `doc` belongs in, under a layout of `count`. */
  indexOf(doc: T, count: number): number {
    return partitionIndex(count, this.routeOf(doc));
  }
}
