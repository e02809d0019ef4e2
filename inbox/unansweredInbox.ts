import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { IntakeCipher, SealedIntake } from '../handoff';
import { UNANSWERED_SOURCES, UnansweredMessageModel } from '../models';
import { packVectors, unpackVectors, type Vector } from '../semantic';
import { groupByMeaning, type Group } from './grouping';
import { maskPersonalData } from './masking';

export type UnansweredSource = (typeof UNANSWERED_SOURCES)[number];

/** What is collected: a D5 message of a citizen, as it was sent, and what the bot made of it. */
export interface Unanswered {
  crisisSlug: string;
  text: string;
  lang: string;
  source: UnansweredSource;
  /** The message's vector as the bot computed it for the turn: grouping never embeds again. */
  vector?: Vector;
  closestFaqId?: string;
}

/** A collected message, opened: its text is the masked one. */
export interface UnansweredMessage {
  id: string;
  at: Date;
  lang: string;
  source: UnansweredSource;
  closestFaqId?: string;
  chosenFaqId?: string;
  text: string;
  vector?: Vector;
}

export interface GroupExample {
  id: string;
  lang: string;
  text: string;
  at: string;
}

/** One group of the inbox, as the API shows it (docs/studio-api.md, "Unanswered"). */
export interface GroupView {
  id: string;
  count: number;
  languages: Record<string, number>;
  sources: Record<string, number>;
  firstSeen: string;
  lastSeen: string;
  /** The entry the bot most often found closest for these messages. */
  closestFaqId?: string;
  /** The entries citizens picked after a clarification of these messages, with how often. */
  chosen: Record<string, number>;
  examples: GroupExample[];
}

interface SealedPayload {
  text: string;
  /** Base64 of the little-endian float32 vector. */
  vector?: string;
}

const MAX_EXAMPLES = 5;
const tally = (values: string[]) =>
  values.reduce<Record<string, number>>((counts, v) => ({ ...counts, [v]: (counts[v] ?? 0) + 1 }), {});

/**
 * The examples shown of a group: the newest of each language first (a Dutch and a French
 * phrasing tell more than two Dutch ones), then the newest others; distinct texts only.
 */
function examplesOf(members: UnansweredMessage[]): GroupExample[] {
  const newest = [...members].sort((a, b) => b.at.getTime() - a.at.getTime());
  const seen = new Set<string>();
  const distinct = newest.filter((m) => {
    const key = m.text.toLocaleLowerCase();
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const firstOfLanguage = distinct.filter((m, i) => distinct.findIndex((o) => o.lang === m.lang) === i);
  const rest = distinct.filter((m) => !firstOfLanguage.includes(m));
  return [...firstOfLanguage, ...rest]
    .slice(0, MAX_EXAMPLES)
    .map((m) => ({ id: m.id, lang: m.lang, text: m.text, at: m.at.toISOString() }));
}

function viewOf(group: Group<UnansweredMessage>): GroupView {
  const { members } = group;
  const times = members.map((m) => m.at.getTime());
  const closest = Object.entries(
    tally(members.flatMap((m) => (m.closestFaqId ? [m.closestFaqId] : []))),
  ).sort((a, b) => b[1] - a[1])[0]?.[0];
  return {
    id: group.leader.id,
    count: members.length,
    languages: tally(members.map((m) => m.lang)),
    sources: tally(members.map((m) => m.source)),
    firstSeen: new Date(Math.min(...times)).toISOString(),
    lastSeen: new Date(Math.max(...times)).toISOString(),
    ...(closest ? { closestFaqId: closest } : {}),
    chosen: tally(members.flatMap((m) => (m.chosenFaqId ? [m.chosenFaqId] : []))),
    examples: examplesOf(members),
  };
}

/**
 * The inbox of what the bot could not answer, per crisis. Texts are masked before anything is
 * written and sealed with the D2 key (bound to the crisis and the message, so a document moved
 * elsewhere does not open); callers decide what may be collected (dialogs/routerDialog.ts).
 */
export class UnansweredInbox {
  /** Messages being stored, by id: a choice made before its message is written waits for it. */
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly cipher: IntakeCipher,
    private readonly logger: Logger,
  ) {}

  private boundTo(crisisSlug: string, id: string): string {
    return `unanswered:${crisisSlug}/${id}`;
  }

  /** Stores one message under `id`; returns the id. */
  async record(message: Unanswered, at = new Date(), id: string = randomUUID()): Promise<string> {
    const payload: SealedPayload = {
      text: maskPersonalData(message.text),
      ...(message.vector ? { vector: packVectors([message.vector]).toString('base64') } : {}),
    };
    await UnansweredMessageModel.create({
      _id: id,
      crisisSlug: message.crisisSlug,
      at,
      lang: message.lang,
      source: message.source,
      ...(message.closestFaqId ? { closestFaqId: message.closestFaqId } : {}),
      state: 'open',
      sealed: this.cipher.seal(payload, this.boundTo(message.crisisSlug, id)),
    });
    return id;
  }

  /**
   * Stores in the background: a citizen's reply never waits for, nor fails with, the inbox.
   * Returns the id the message will have, for the citizen's choice among the options offered.
   */
  collect(message: Unanswered): string {
    const id = randomUUID();
    const stored = this.record(message, new Date(), id)
      .catch((error: unknown) =>
        this.logger.warn({ err: error, crisis: message.crisisSlug }, 'unanswered message not collected'),
      )
      .finally(() => this.pending.delete(id));
    this.pending.set(id, stored);
    return id;
  }

  /**
   * Notes the entry a citizen picked among the options a clarification of a collected message
   * offered: what citizens chose tells the communicators which entry the phrasing belongs to.
   * In the background too, after the message itself is stored.
   */
  noteChoice(crisisSlug: string, id: string, faqId: string): void {
    void Promise.resolve(this.pending.get(id))
      .then(() =>
        UnansweredMessageModel.updateOne(
          { _id: id, crisisSlug, state: 'open' },
          { $set: { chosenFaqId: faqId } },
        ),
      )
      .catch((error: unknown) =>
        this.logger.warn({ err: error, crisis: crisisSlug }, 'choice after a clarification not noted'),
      );
  }

  /** The open messages of a crisis, opened. One sealed with another key is skipped (and logged). */
  async openMessages(crisisSlug: string): Promise<UnansweredMessage[]> {
    const docs = await UnansweredMessageModel.find({ crisisSlug, state: 'open' }).lean();
    const opened: UnansweredMessage[] = [];
    for (const doc of docs) {
      try {
        const payload = this.cipher.open<SealedPayload>(
          doc.sealed as SealedIntake,
          this.boundTo(crisisSlug, doc._id),
        );
        const vector = payload.vector ? Buffer.from(payload.vector, 'base64') : undefined;
        opened.push({
          id: doc._id,
          at: new Date(doc.at),
          lang: doc.lang,
          source: doc.source,
          ...(doc.closestFaqId ? { closestFaqId: doc.closestFaqId } : {}),
          ...(doc.chosenFaqId ? { chosenFaqId: doc.chosenFaqId } : {}),
          text: payload.text,
          ...(vector ? { vector: unpackVectors(vector, vector.byteLength / 4)[0]! } : {}),
        });
      } catch (error) {
        this.logger.warn({ err: error, id: doc._id }, 'unanswered message could not be opened');
      }
    }
    return opened;
  }

  /** The groups of a crisis's open messages: largest first, then the most recently active. */
  async groups(crisisSlug: string): Promise<GroupView[]> {
    return groupsOf(await this.openMessages(crisisSlug));
  }

  /** One group with all its messages, or undefined when it no longer exists. */
  async group(
    crisisSlug: string,
    id: string,
  ): Promise<{ view: GroupView; members: UnansweredMessage[] } | undefined> {
    const found = groupByMeaning(await this.openMessages(crisisSlug)).find((g) => g.leader.id === id);
    return found && { view: viewOf(found), members: found.members };
  }

  /** Takes messages out of the inbox (dismissed, or taught to the FAQ); retention deletes them later. */
  async close(crisisSlug: string, ids: string[], state: 'dismissed' | 'taught'): Promise<number> {
    const result = await UnansweredMessageModel.updateMany(
      { crisisSlug, _id: { $in: ids }, state: 'open' },
      { $set: { state } },
    );
    return result.modifiedCount;
  }

  /** Deletes every message older than `cutoff`, whatever its state. */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    return (await UnansweredMessageModel.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}

/** Groups messages and orders the groups as the inbox shows them. */
export function groupsOf(messages: UnansweredMessage[]): GroupView[] {
  return groupByMeaning(messages)
    .map(viewOf)
    .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen));
}
