import { InteractionModel } from '../models';
import type { Period } from './ticketMeasures';
import { addConversations, addMessages, emptyHour, mergeHours, type HourUsage } from './usage';

interface HourKey {
  crisisSlug: string;
  day: string;
  hour: number;
}

interface RowSum {
  _id: HourKey & { direction: 'in' | 'out'; channel: string; lang?: string; kind?: string };
  value: number;
}

interface ConversationHour {
  _id: HourKey & { conversationId: string; channel: string; lang?: string };
}

/** The hour a log entry was bucketed in, from its stored `day` and `hour` (FerretDB v1 cannot bucket dates). */
const bucketStart = ({ day, hour }: HourKey) =>
  new Date(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`);

const earlier = (a: HourKey, b: HourKey) => a.day < b.day || (a.day === b.day && a.hour < b.hour);

/**
 * The same usage as the counters keep, computed from the interaction log itself: how reports are
 * checked (tests, `npm run bench:report`, an audit). It reads every entry of the crises, so on
 * FerretDB it takes about 0.06 ms per entry; reports read the counters instead. Only `$sum` is
 * used in `$group`: FerretDB v1 implements no other accumulator.
 */
export async function usageFromLog(slugs: string[], period: Period): Promise<HourUsage[]> {
  const hours = new Map<string, HourUsage>();
  const hourOf = (key: HourKey) => {
    const hourStart = bucketStart(key);
    const id = `${key.crisisSlug}|${hourStart.toISOString()}`;
    let hour = hours.get(id);
    if (!hour) hours.set(id, (hour = emptyHour(key.crisisSlug, hourStart)));
    return hour;
  };
  const inPeriod = (key: HourKey) => {
    const start = bucketStart(key);
    return start >= period.from && start < period.to;
  };
  const match = { crisisSlug: { $in: slugs }, at: { $gte: period.from, $lt: period.to } };
  const rowKey = {
    crisisSlug: '$crisisSlug',
    day: '$day',
    hour: '$hour',
    direction: '$direction',
    channel: '$channelId',
    lang: '$lang',
    kind: '$kind',
  };
  // FerretDB v1.24 computes only the first accumulator of a $group right (the others come back
  // 0), so each sum is a $group of its own; tokens only over the entries that have any.
  const sum = (field: string | 1, onlyWith?: string) =>
    InteractionModel.aggregate<RowSum>([
      { $match: onlyWith ? { ...match, [onlyWith]: { $gt: 0 } } : match },
      { $group: { _id: rowKey, value: { $sum: field } } },
    ]);
  const [counts, tokensIn, tokensOut] = await Promise.all([
    sum(1),
    sum('$tokensIn', 'tokensIn'),
    sum('$tokensOut', 'tokensOut'),
  ]);
  const tokens = (sums: RowSum[]) => new Map(sums.map((s) => [JSON.stringify(s._id), s.value]));
  const [inByRow, outByRow] = [tokens(tokensIn), tokens(tokensOut)];
  for (const { _id: key, value: count } of counts) {
    addMessages(hourOf(key), {
      direction: key.direction,
      channel: key.channel,
      lang: key.lang ?? '',
      kind: key.kind ?? '',
      count,
      tokensIn: inByRow.get(JSON.stringify(key)) ?? 0,
      tokensOut: outByRow.get(JSON.stringify(key)) ?? 0,
    });
  }
  // A conversation starts in the earliest hour it wrote in, whatever the period: the hours of each
  // conversation are grouped here and the earliest picked below.
  const conversationHours = await InteractionModel.aggregate<ConversationHour>([
    { $match: { crisisSlug: { $in: slugs }, direction: 'in' } },
    {
      $group: {
        _id: {
          crisisSlug: '$crisisSlug',
          conversationId: '$conversationId',
          day: '$day',
          hour: '$hour',
          channel: '$channelId',
          lang: '$lang',
        },
        count: { $sum: 1 },
      },
    },
  ]);
  const firsts = new Map<string, ConversationHour['_id']>();
  for (const { _id: key } of conversationHours) {
    const id = `${key.crisisSlug}|${key.conversationId}`;
    const known = firsts.get(id);
    if (!known || earlier(key, known)) firsts.set(id, key);
  }
  for (const first of firsts.values()) {
    if (inPeriod(first))
      addConversations(hourOf(first), { channel: first.channel, lang: first.lang ?? '', count: 1 });
  }
  return mergeHours([...hours.values()]);
}
