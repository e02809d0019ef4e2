import type { Vector } from '../semantic';
import { LeaderSearch } from './leaderSearch';

/**
 * Cosine similarity above which a message joins a group, measured on the development question
 * sets with the embedded model (`npm run inbox:threshold`, figures in docs/inbox.md).
 */
export const GROUP_THRESHOLD = 0.86;

export interface Groupable {
  id: string;
  at: Date;
  lang: string;
  /** Absent when the model did not answer in time: such a message groups by its words alone. */
  vector?: Vector;
  /** The masked text, for grouping without a vector. */
  text: string;
}

export interface Group<T extends Groupable> {
  /** The first message of the group: stable while the group lives, its id names the group. */
  leader: T;
  members: T[];
}

const wordsOf = (text: string) =>
  text
    .toLocaleLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Greedy leader clustering, oldest first: each message joins the most similar group leader at
 * `threshold` or above, or leads a new group. One pass, `messages × groups` dot products, and
 * stable: a new message never moves an old one, so group ids survive between reads. The order
 * of the groups returned is the order of their leaders. Vectors of another length than the
 * first (another model) group by their words, as messages without a vector do.
 */
export function groupByMeaning<T extends Groupable>(messages: T[], threshold = GROUP_THRESHOLD): Group<T>[] {
  const ordered = [...messages].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
  const groups: Group<T>[] = [];
  const dims = ordered.find((m) => m.vector)?.vector?.length ?? 0;
  const leaders = new LeaderSearch(dims);
  const ledByVector: Group<T>[] = [];
  const byWords = new Map<string, Group<T>>();
  for (const message of ordered) {
    const { vector } = message;
    if (vector?.length === dims && dims > 0) {
      const found = leaders.closest(vector, threshold);
      if (found >= 0) ledByVector[found]!.members.push(message);
      else {
        const created = { leader: message, members: [message] };
        leaders.add(vector);
        ledByVector.push(created);
        groups.push(created);
      }
      continue;
    }
    const key = wordsOf(message.text);
    const group = byWords.get(key);
    if (group) group.members.push(message);
    else {
      const created = { leader: message, members: [message] };
      byWords.set(key, created);
      groups.push(created);
    }
  }
  return groups;
}
