import { EventEmitter } from 'node:events';
import type { IntakeCipher } from '../handoff';
import { conversationOfActivity, directLineActivities, isDuplicateKey } from '../models';

/** Room for a long crisis conversation; zero-padding keeps `_id` order equal to sequence order. */
const SEQUENCE_DIGITS = 9;
/**
 * Writers of one conversation in other processes race for its next number: the loser retries,
 * after a short random pause so racers spread out, until this long has passed (then it is a fault).
 */
const APPEND_DEADLINE_MS = 20_000;
const MAX_PAUSE_MS = 40;
/** Activities per answer to a reader, as Direct Line pages its activity sets. */
const PAGE_SIZE = 100;
/** Conversations whose last sequence number this process remembers, to append without searching. */
const REMEMBERED = 10_000;

/**
 * Deletes every activity of the given conversations (an exercise's, after its retention period):
 * one range of `_id`s per conversation, those of a partition's batch in one statement.
 */
export async function deleteDirectLineConversations(conversationIds: string[]): Promise<number> {
  let deleted = 0;
  for (const { partition, routes } of await directLineActivities.batchesOf(conversationIds)) {
    // `;` follows `:` in code order: the range holds exactly `{conversation}:{sequence}`.
    const ranges = routes.map((conversation) => ({
      _id: { $gt: `${conversation}:`, $lt: `${conversation};` },
    }));
    deleted += (await partition.deleteMany({ $or: ranges })).deletedCount;
  }
  return deleted;
}

/** Runs the work of one key after that key's earlier work (in this process): bot/conversationQueue.ts. */
export interface KeyedQueue {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export type StoredActivity = Record<string, unknown> & { id: string };

export interface ActivitySet {
  activities: StoredActivity[];
  /** The sequence number of the last activity the reader now has. */
  watermark: number;
}

const keyOf = (conversationId: string, sequence: number) =>
  `${conversationId}:${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;

/**
 * The activities of every Direct Line conversation, in order, in the database: any process
 * appends (the citizen's post, the bot's replies, an operator's message from another process)
 * and any process's readers see them. Readers in this process are told at once; readers of
 * other processes find them at their next poll (FerretDB has no change streams).
 *
 * A conversation's sequence numbers run from 1 without gaps (each is inserted only once the one
 * before exists, and the retention sweep removes whole conversations), so every read is a lookup
 * of one `_id`: FerretDB evaluates that inside SQLite, where a range of `_id`s would decode every
 * document of the collection.
 */
export class DirectLineActivities {
  private readonly appended = new EventEmitter().setMaxListeners(0);
  private readonly lastKnown = new Map<string, number>();

  constructor(
    private readonly cipher: IntakeCipher,
    /** This process's appends to one conversation queue up rather than race for the same number. */
    private readonly appends: KeyedQueue,
  ) {}

  /** Stores the activity `build` makes for the next sequence number and id of the conversation. */
  append(
    conversationId: string,
    build: (id: string) => Record<string, unknown>,
  ): Promise<{ activity: StoredActivity; watermark: number }> {
    return this.appends.run(conversationId, () => this.appendNext(conversationId, build));
  }

  private async appendNext(
    conversationId: string,
    build: (id: string) => Record<string, unknown>,
  ): Promise<{ activity: StoredActivity; watermark: number }> {
    const collection = await directLineActivities.for(conversationId);
    const deadline = Date.now() + APPEND_DEADLINE_MS;
    for (let attempt = 0; attempt === 0 || Date.now() < deadline; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_PAUSE_MS));
      const sequence = (await this.lastSequence(conversationId, attempt === 0)) + 1;
      const key = keyOf(conversationId, sequence);
      const id = `${conversationId}|${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
      const activity: StoredActivity = { ...build(id), id };
      try {
        await collection.insertOne({ _id: key, at: new Date(), activity: this.cipher.seal(activity, key) });
      } catch (error) {
        // Another process took this number: look again for the last one after a pause.
        if (isDuplicateKey(error)) continue;
        throw error;
      }
      this.remember(conversationId, sequence);
      this.appended.emit(conversationId);
      return { activity, watermark: sequence };
    }
    throw new Error(`could not append to Direct Line conversation ${conversationId} in time: contention`);
  }

  /** The activities after `watermark`, at most a page of them. */
  async after(conversationId: string, watermark: number): Promise<ActivitySet> {
    const collection = await directLineActivities.for(conversationId);
    const activities: StoredActivity[] = [];
    let last = watermark;
    while (activities.length < PAGE_SIZE) {
      const key = keyOf(conversationId, last + 1);
      const doc = await collection.findOne({ _id: key });
      if (!doc) break;
      activities.push(this.cipher.open<StoredActivity>(doc.activity, key));
      last += 1;
    }
    return { activities, watermark: last };
  }

  /** Calls `listener` whenever this process appends to the conversation; answers the unsubscribe. */
  onAppend(conversationId: string, listener: () => void): () => void {
    this.appended.on(conversationId, listener);
    return () => this.appended.off(conversationId, listener);
  }

  /**
   * Deletes the conversations with no activity since `cutoff`, whole, so that none loses the
   * start of its sequence. Reads every partition: run it rarely.
   */
  async purgeOlderThan(cutoff: Date): Promise<void> {
    for (const partition of await directLineActivities.all()) {
      const docs = await partition.find({}, { projection: { _id: 1, at: 1 } }).toArray();
      const latest = new Map<string, number>();
      for (const doc of docs) {
        const conversation = conversationOfActivity(doc._id);
        latest.set(conversation, Math.max(latest.get(conversation) ?? 0, doc.at.getTime()));
      }
      const stale = docs
        .filter((doc) => latest.get(conversationOfActivity(doc._id))! < cutoff.getTime())
        .map((doc) => doc._id);
      if (stale.length > 0) await partition.deleteMany({ _id: { $in: stale } });
    }
    this.lastKnown.clear();
  }

  /** A conversation this process has just created: its first append needs no search. */
  started(conversationId: string): void {
    this.remember(conversationId, 0);
  }

  /**
   * The conversation's last sequence number: the one this process last appended while it is
   * still there (whether another process appended since, the insert of the next one tells: a
   * duplicate sends the writer here again, without the hint), else found by doubling then
   * halving, a lookup of one `_id` each.
   */
  private async lastSequence(conversationId: string, hinted: boolean): Promise<number> {
    const collection = await directLineActivities.for(conversationId);
    const exists = async (sequence: number) =>
      sequence === 0 ||
      (await collection.findOne({ _id: keyOf(conversationId, sequence) }, { projection: { _id: 1 } })) !==
        null;
    const hint = hinted ? this.lastKnown.get(conversationId) : undefined;
    // Still there: the retention sweep of another process may have removed the conversation.
    if (hint !== undefined && (await exists(hint))) return hint;
    let present = 0;
    let absent = 1;
    while (await exists(absent)) {
      present = absent;
      absent *= 2;
    }
    while (absent - present > 1) {
      const middle = Math.floor((present + absent) / 2);
      if (await exists(middle)) present = middle;
      else absent = middle;
    }
    return present;
  }

  private remember(conversationId: string, sequence: number): void {
    if (this.lastKnown.size >= REMEMBERED && !this.lastKnown.has(conversationId)) this.lastKnown.clear();
    this.lastKnown.set(conversationId, sequence);
  }
}
