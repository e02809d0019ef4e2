import { EventEmitter } from 'node:events';
import type { IntakeCipher, SealedIntake } from '../handoff';
import { DirectLineActivityModel, isDuplicateKey } from '../models';

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
/** Just past every key of the conversation: ';' follows ':' and conversation ids hold neither. */
const endOf = (conversationId: string) => `${conversationId};`;
const sequenceOf = (key: string) => Number(key.slice(key.lastIndexOf(':') + 1));

/**
 * The activities of every Direct Line conversation, in order, in the database: any process
 * appends (the citizen's post, the bot's replies, an operator's message from another process)
 * and any process's readers see them. Readers in this process are told at once; readers of
 * other processes find them at their next poll (FerretDB has no change streams).
 */
export class DirectLineActivities {
  private readonly appended = new EventEmitter().setMaxListeners(0);

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
    const deadline = Date.now() + APPEND_DEADLINE_MS;
    for (let attempt = 0; attempt === 0 || Date.now() < deadline; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_PAUSE_MS));
      const sequence = (await this.lastSequence(conversationId)) + 1;
      const key = keyOf(conversationId, sequence);
      const id = `${conversationId}|${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
      const activity: StoredActivity = { ...build(id), id };
      try {
        await DirectLineActivityModel.create({
          _id: key,
          at: new Date(),
          activity: this.cipher.seal(activity, key),
        });
      } catch (error) {
        if (isDuplicateKey(error)) continue;
        throw error;
      }
      this.appended.emit(conversationId);
      return { activity, watermark: sequence };
    }
    throw new Error(`could not append to Direct Line conversation ${conversationId} in time: contention`);
  }

  /** The activities after `watermark`, at most a page of them. */
  async after(conversationId: string, watermark: number): Promise<ActivitySet> {
    const docs = await DirectLineActivityModel.find({
      _id: { $gt: keyOf(conversationId, watermark), $lt: endOf(conversationId) },
    })
      .sort({ _id: 1 })
      .limit(PAGE_SIZE)
      .lean();
    const activities = docs.map((doc) =>
      this.cipher.open<StoredActivity>(doc.activity as SealedIntake, doc._id),
    );
    const last = docs.at(-1);
    return { activities, watermark: last ? sequenceOf(last._id) : watermark };
  }

  /** Calls `listener` whenever this process appends to the conversation; answers the unsubscribe. */
  onAppend(conversationId: string, listener: () => void): () => void {
    this.appended.on(conversationId, listener);
    return () => this.appended.off(conversationId, listener);
  }

  async purgeOlderThan(cutoff: Date): Promise<void> {
    await DirectLineActivityModel.deleteMany({ at: { $lt: cutoff } });
  }

  private async lastSequence(conversationId: string): Promise<number> {
    const last = await DirectLineActivityModel.findOne({
      _id: { $gte: keyOf(conversationId, 0), $lt: endOf(conversationId) },
    })
      .sort({ _id: -1 })
      .select({ _id: 1 })
      .lean();
    return last ? sequenceOf(last._id) : 0;
  }
}
