import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { conversationMarks, duplicateIndexes, UsageRollupModel, type ConversationMarkDoc } from '../models';
import {
  addConversations,
  addMessages,
  decodeHour,
  emptyHour,
  encodeCounts,
  mergeHours,
  messageRowOf,
  type HourUsage,
  type UsageEvent,
} from './usage';
import { hourStartOf } from './hours';

/** The usage of the crises in the period, from the counters of every process. */
export async function countedUsage(slugs: string[], period: { from: Date; to: Date }): Promise<HourUsage[]> {
  const docs = await UsageRollupModel.find({
    crisisSlug: { $in: slugs },
    hourStart: { $gte: period.from, $lt: period.to },
  }).lean();
  return mergeHours(docs.map(decodeHour));
}

/** A log entry as written: its id makes retried writes recognisable. */
export interface CountedEntry extends UsageEvent {
  _id: string;
  conversationId: string;
}

/** Entries not attached to a crisis (before the citizen chose one) start no conversation. */
const NO_CRISIS = 'none';
/** Hours this far back are not expected to get more entries: their documents leave memory once written. */
const KEEP_HOURS_MS = 48 * 3_600_000;
const KNOWN_CONVERSATIONS = 100_000;
/** Entries counted lately: a write that timed out may still finish after its retry has counted. */
const RECENTLY_COUNTED = 20_000;

type MarkCollection = mongoose.mongo.Collection<ConversationMarkDoc>;

interface OwnHour {
  id: string;
  usage: HourUsage;
  dirty: boolean;
}

/**
 * Counts what the interaction log writes, per crisis and hour, in documents of this process's own
 * (usagerollups): cost reports then read a few documents per hour instead of every entry. Counting
 * happens once per entry, after the entry itself is written; the documents are replaced whole,
 * so a failed save is simply repeated. A conversation is counted as started by whichever process
 * inserts its mark first.
 */
export class UsageCounters {
  private readonly hours = new Map<string, OwnHour>();
  private readonly started = new Set<string>();
  private readonly counted = new Set<string>();

  /** Adds written entries to this process's counts (in memory; save() stores them). */
  async count(entries: CountedEntry[]): Promise<void> {
    const firsts = await this.newConversations(entries);
    for (const entry of entries) {
      if (this.counted.has(entry._id)) continue;
      this.counted.add(entry._id);
      const hour = this.hourOf(entry.crisisSlug, entry.at);
      addMessages(hour.usage, messageRowOf(entry));
      if (firsts.has(entry._id)) {
        addConversations(hour.usage, { channel: entry.channelId, lang: entry.lang ?? '', count: 1 });
      }
      hour.dirty = true;
    }
    for (const id of this.counted) {
      if (this.counted.size <= RECENTLY_COUNTED) break;
      this.counted.delete(id);
    }
  }

  get unsaved(): number {
    return [...this.hours.values()].filter((hour) => hour.dirty).length;
  }

  /** Stores every changed hour; what fails stays changed and is stored by the next call. */
  async save(): Promise<void> {
    const oldest = Date.now() - KEEP_HOURS_MS;
    for (const [key, hour] of this.hours) {
      if (hour.dirty) {
        const { crisisSlug, hourStart } = hour.usage;
        hour.dirty = false;
        try {
          await UsageRollupModel.replaceOne(
            { _id: hour.id },
            { crisisSlug, hourStart, usage: encodeCounts(hour.usage) },
            { upsert: true },
          );
        } catch (error) {
          hour.dirty = true;
          throw error;
        }
      }
      if (hour.usage.hourStart.getTime() < oldest) this.hours.delete(key);
    }
  }

  private hourOf(crisisSlug: string, at: Date): OwnHour {
    const hourStart = hourStartOf(at);
    const key = `${crisisSlug}|${hourStart.toISOString()}`;
    let hour = this.hours.get(key);
    if (!hour) {
      // A fresh id per document: after a restart or an eviction, the hour gets a second document.
      hour = { id: `${key}|${randomUUID()}`, usage: emptyHour(crisisSlug, hourStart), dirty: false };
      this.hours.set(key, hour);
    }
    return hour;
  }

  /** Ids of the entries that are the first message of their conversation with the crisis. */
  private async newConversations(entries: CountedEntry[]): Promise<Set<string>> {
    const candidates = new Map<string, CountedEntry>();
    for (const entry of entries) {
      if (entry.direction !== 'in' || entry.crisisSlug === NO_CRISIS) continue;
      const key = `${entry.crisisSlug}|${entry.conversationId}`;
      if (!this.started.has(key) && !candidates.has(key)) candidates.set(key, entry);
    }
    if (candidates.size === 0) return new Set();
    const marks = [...candidates].map(([key, entry]) => ({ _id: key, firstEntry: entry._id, at: entry.at }));
    const byPartition = new Map<string, { partition: MarkCollection; group: ConversationMarkDoc[] }>();
    for (const mark of marks) {
      const partition = await conversationMarks.for(mark._id);
      const entry = byPartition.get(partition.collectionName) ?? { partition, group: [] };
      entry.group.push(mark);
      byPartition.set(partition.collectionName, entry);
    }
    const firsts = new Set<string>();
    for (const { partition, group } of byPartition.values()) {
      for (const mark of await this.insertMarks(partition, group)) firsts.add(mark);
    }
    for (const mark of marks) this.remember(mark._id);
    return firsts;
  }

  /** Inserts marks of one partition; answers the first entries of the marks that are this write's. */
  private async insertMarks(partition: MarkCollection, marks: ConversationMarkDoc[]): Promise<string[]> {
    let refused: number[] = [];
    try {
      await partition.insertMany(marks, { ordered: false });
    } catch (error) {
      const duplicates = duplicateIndexes(error);
      if (!duplicates) throw error;
      refused = duplicates;
    }
    const firsts: string[] = [];
    for (const [index, mark] of marks.entries()) {
      if (!refused.includes(index)) firsts.push(mark.firstEntry);
      else {
        // Ours if an earlier attempt of this very write inserted it before failing.
        const existing = await partition.findOne({ _id: mark._id }, { projection: { firstEntry: 1 } });
        if (existing?.firstEntry === mark.firstEntry) firsts.push(mark.firstEntry);
      }
    }
    return firsts;
  }

  private remember(key: string): void {
    if (this.started.size >= KNOWN_CONVERSATIONS) this.started.clear();
    this.started.add(key);
  }
}
