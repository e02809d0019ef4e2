import mongoose from 'mongoose';

/**
 * Citizens' messages of the last hours, as the interaction log writes them (same `_id`): what the
 * operations view reads every second or so. On FerretDB any filter scans its whole collection
 * (25 s for 200,000 log entries), so the recent messages are kept apart, in one collection per ten
 * minutes (`livemessages_{bucket}`): a read since the previous one opens the last one or two, and
 * a bucket that has left the window is dropped whole.
 */
export interface LiveMessageDoc {
  _id: string;
  crisisSlug: string;
  conversationId: string;
  lang?: string;
  /** What the bot did with it: the kind of its first reply. */
  kind?: string;
  /** Entries a clarification offered (0: it asked to rephrase). */
  options?: number;
  at: Date;
}

export const LIVE_BUCKET_MS = 10 * 60 * 1000;
const PREFIX = 'livemessages_';

function database(): mongoose.mongo.Db {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected to the database');
  return db;
}

export const liveMessageBucketOf = (at: Date): number => Math.floor(at.getTime() / LIVE_BUCKET_MS);

/** The collection of one bucket (the ten minutes from bucket × LIVE_BUCKET_MS on). */
export function liveMessageBucket(bucket: number): mongoose.mongo.Collection<LiveMessageDoc> {
  return database().collection<LiveMessageDoc>(`${PREFIX}${bucket}`);
}

/** The buckets that have a collection. */
export async function liveMessageBuckets(): Promise<number[]> {
  const collections = await database().listCollections({}, { nameOnly: true }).toArray();
  return collections
    .map((c) => c.name)
    .filter((name) => name.startsWith(PREFIX))
    .map((name) => Number(name.slice(PREFIX.length)))
    .filter(Number.isInteger);
}
