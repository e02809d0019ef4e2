import {
  LIVE_BUCKET_MS,
  liveMessageBucket,
  liveMessageBucketOf,
  liveMessageBuckets,
  onlyDuplicates,
  type LiveMessageDoc,
} from '../models';

/** How long citizens' messages stay in the recent window the operations view reads. */
export const LIVE_WINDOW_HOURS = 3;
const LIVE_WINDOW_MS = LIVE_WINDOW_HOURS * 60 * 60 * 1000;

interface LoggedEntry {
  _id: string;
  crisisSlug: string;
  conversationId: string;
  direction: 'in' | 'out';
  lang?: string;
  kind?: string;
  options?: number;
  at: Date;
}

/** Copies a written batch's citizens' messages into the recent window; a retried batch finds its own. */
export async function recordLiveMessages(batch: LoggedEntry[]): Promise<void> {
  const byBucket = new Map<number, LiveMessageDoc[]>();
  for (const { _id, crisisSlug, conversationId, direction, lang, kind, options, at } of batch) {
    if (direction !== 'in') continue;
    const doc: LiveMessageDoc = {
      _id,
      crisisSlug,
      conversationId,
      at,
      ...(lang !== undefined ? { lang } : {}),
      ...(kind !== undefined ? { kind } : {}),
      ...(options !== undefined ? { options } : {}),
    };
    const bucket = liveMessageBucketOf(at);
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), doc]);
  }
  for (const [bucket, docs] of byBucket) {
    await liveMessageBucket(bucket)
      .insertMany(docs, { ordered: false })
      .catch((error: unknown) => {
        if (!onlyDuplicates(error)) throw error;
      });
  }
}

/** Citizens' messages at or after `from`: only the buckets since then are read, the last with a filter. */
export async function liveMessagesSince(from: Date, now: Date): Promise<LiveMessageDoc[]> {
  const first = liveMessageBucketOf(from);
  const docs: LiveMessageDoc[] = [];
  for (let bucket = first; bucket <= liveMessageBucketOf(now); bucket++) {
    const wholeBucketAfter = bucket * LIVE_BUCKET_MS >= from.getTime();
    docs.push(
      ...(await liveMessageBucket(bucket)
        .find(wholeBucketAfter ? {} : { at: { $gte: from } })
        .toArray()),
    );
  }
  return docs;
}

/** Drops the buckets that have left the window (the log keeps their entries); returns how many. */
export async function purgeLiveMessages(now: Date): Promise<number> {
  const oldest = liveMessageBucketOf(new Date(now.getTime() - LIVE_WINDOW_MS));
  const expired = (await liveMessageBuckets()).filter((bucket) => bucket < oldest);
  for (const bucket of expired) await liveMessageBucket(bucket).drop();
  return expired.length;
}
