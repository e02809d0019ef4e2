/**
 * Usage of the service per crisis and hour, in the one shape both sources give it: the counters
 * kept as the log is written (usageCounters.ts) and an aggregation of the log itself
 * (usageFromLog.ts), which checks them.
 */
export interface MessageRow {
  direction: 'in' | 'out';
  channel: string;
  /** '' when the language was not known. */
  lang: string;
  /** What the bot did with the message ('' when it sent nothing). */
  kind: string;
  count: number;
  tokensIn: number;
  tokensOut: number;
}

/** Conversations whose first message to the crisis fell in the hour. */
export interface ConversationRow {
  channel: string;
  lang: string;
  count: number;
}

export interface HourUsage {
  crisisSlug: string;
  hourStart: Date;
  messages: MessageRow[];
  conversations: ConversationRow[];
}

/** What a log entry contributes to its hour. */
export interface UsageEvent {
  crisisSlug: string;
  at: Date;
  direction: 'in' | 'out';
  channelId: string;
  lang?: string;
  kind?: string;
  tokensIn?: number;
  tokensOut?: number;
}

/** The counts of an hour as stored in a usage rollup document (models/usageRollup.ts). */
export function encodeCounts(hour: HourUsage): string {
  return JSON.stringify({ messages: hour.messages, conversations: hour.conversations });
}

export function decodeHour(doc: { crisisSlug: string; hourStart: Date; usage: string }): HourUsage {
  const { messages, conversations } = JSON.parse(doc.usage) as Pick<HourUsage, 'messages' | 'conversations'>;
  return { crisisSlug: doc.crisisSlug, hourStart: doc.hourStart, messages, conversations };
}

export function emptyHour(crisisSlug: string, hourStart: Date): HourUsage {
  return { crisisSlug, hourStart, messages: [], conversations: [] };
}

function sameMessageKey(a: Omit<MessageRow, 'count' | 'tokensIn' | 'tokensOut'>, b: typeof a): boolean {
  return a.direction === b.direction && a.channel === b.channel && a.lang === b.lang && a.kind === b.kind;
}

export function addMessages(hour: HourUsage, row: MessageRow): void {
  const found = hour.messages.find((existing) => sameMessageKey(existing, row));
  if (!found) {
    hour.messages.push({ ...row });
    return;
  }
  found.count += row.count;
  found.tokensIn += row.tokensIn;
  found.tokensOut += row.tokensOut;
}

export function addConversations(hour: HourUsage, row: ConversationRow): void {
  const found = hour.conversations.find((c) => c.channel === row.channel && c.lang === row.lang);
  if (found) found.count += row.count;
  else hour.conversations.push({ ...row });
}

export function messageRowOf(event: UsageEvent): MessageRow {
  return {
    direction: event.direction,
    channel: event.channelId,
    lang: event.lang ?? '',
    kind: event.kind ?? '',
    count: 1,
    tokensIn: event.tokensIn ?? 0,
    tokensOut: event.tokensOut ?? 0,
  };
}

/** One HourUsage per crisis and hour, sorted by hour: several processes' documents of an hour add up. */
export function mergeHours(hours: HourUsage[]): HourUsage[] {
  const merged = new Map<string, HourUsage>();
  for (const hour of hours) {
    const key = `${hour.crisisSlug}|${hour.hourStart.toISOString()}`;
    let target = merged.get(key);
    if (!target) {
      target = emptyHour(hour.crisisSlug, hour.hourStart);
      merged.set(key, target);
    }
    for (const row of hour.messages) addMessages(target, row);
    for (const row of hour.conversations) addConversations(target, row);
  }
  return [...merged.values()].sort(
    (a, b) => a.hourStart.getTime() - b.hourStart.getTime() || a.crisisSlug.localeCompare(b.crisisSlug),
  );
}
