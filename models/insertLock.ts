import mongoose from 'mongoose';

const DUPLICATE_KEY = 11000;

interface LockDoc {
  _id: string;
  at: Date;
}

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === DUPLICATE_KEY;
}

interface BulkWriteFailure {
  writeErrors?: Array<{ code?: unknown; index?: unknown }>;
}

/**
 * For an unordered insertMany the server refused only because some documents were already
 * there: the indexes of those documents. Undefined for any other failure.
 */
export function duplicateIndexes(error: unknown): number[] | undefined {
  const { writeErrors } = (error ?? {}) as BulkWriteFailure;
  if (!Array.isArray(writeErrors) || writeErrors.length === 0) return undefined;
  if (!writeErrors.every((e) => e.code === DUPLICATE_KEY && typeof e.index === 'number')) return undefined;
  return writeErrors.map((e) => e.index as number);
}

/** An insert (of one document, or unordered of many) refused only on duplicate keys. */
export function onlyDuplicates(error: unknown): boolean {
  const { writeErrors } = (error ?? {}) as BulkWriteFailure;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) return duplicateIndexes(error) !== undefined;
  return isDuplicateKey(error);
}

/**
 * Locks only one caller in any process can hold: taking one inserts a document with the lock's
 * name as `_id`. FerretDB v1 runs a conditional update as a read then a separate write, so two
 * writers can both "match"; an insert into the unique `_id` index is atomic there as on MongoDB.
 * Name a lock after what it protects and the version it replaces (`ticket:42:v7`): only one
 * writer per version gets it.
 */
export class InsertLocks {
  constructor(
    private readonly collectionName: string,
    /** A lock this old was left by a holder that died between taking and releasing it. */
    private readonly staleMs = 60_000,
  ) {}

  private get collection() {
    return mongoose.connection.collection<LockDoc>(this.collectionName);
  }

  /** True if the caller now holds the lock; false if someone else does. */
  async take(name: string): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: name, at: new Date() });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return false;
    }
  }

  /** Takes several locks with one insert: for each name, whether the caller now holds it. */
  async takeEach(names: string[]): Promise<boolean[]> {
    if (names.length === 0) return [];
    const at = new Date();
    try {
      await this.collection.insertMany(
        names.map((_id) => ({ _id, at })),
        { ordered: false },
      );
      return names.map(() => true);
    } catch (error) {
      const held = duplicateIndexes(error);
      if (!held) throw error;
      const heldByOthers = new Set(held);
      return names.map((_, index) => !heldByOthers.has(index));
    }
  }

  /**
   * Removes a lock left by a holder that died, so a retry can take it. Looked up by `_id` alone:
   * FerretDB serves only that from an index, and a filter on more fields scans the collection.
   */
  async clearIfStale(name: string): Promise<boolean> {
    const lock = await this.collection.findOne({ _id: name });
    if (!lock || lock.at.getTime() > Date.now() - this.staleMs) return false;
    await this.collection.deleteOne({ _id: name });
    return true;
  }

  /** Keeps a lock held by long work from being taken for one left by a dead holder. */
  async refresh(name: string): Promise<void> {
    await this.collection.updateOne({ _id: name }, { $set: { at: new Date() } });
  }

  async release(name: string): Promise<void> {
    await this.collection.deleteOne({ _id: name });
  }

  /** Runs `work` holding the lock; undefined without running it when another holder has it. */
  async with<T>(name: string, work: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (!(await this.take(name))) {
      await this.clearIfStale(name);
      return undefined;
    }
    try {
      return { value: await work() };
    } finally {
      await this.release(name);
    }
  }

  /** Locks kept as a record that a version was replaced are no longer needed once this old. */
  async purgeOlderThan(cutoff: Date): Promise<void> {
    await this.collection.deleteMany({ at: { $lt: cutoff } });
  }
}
