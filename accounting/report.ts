import { HOUR_MS } from './hours';
import { exercisePrices, pricesAt, type Prices, type TariffVersion } from './tariffs';
import {
  handedConversations,
  handling,
  peakOperators,
  percentile,
  personConversations,
  waitingSeconds,
  type Period,
  type TicketFacts,
} from './ticketMeasures';
import type { HourUsage } from './usage';

export interface Activation {
  slug: string;
  authorityNis?: string;
  activatedAt: Date;
  deactivatedAt?: Date;
  exercise?: boolean;
}

export interface ReportInput {
  scope: 'activation' | 'authority';
  /** The crisis slug or the authority's NIS code. */
  subject: string;
  /** Whose tariff applies. */
  authorityNis?: string;
  period: Period;
  /** A period that has not ended yet (an activation still open): its figures still grow. */
  open: boolean;
  now: Date;
  activations: Activation[];
  /** Usage of the activations, merged per crisis and hour, within the period. */
  hours: HourUsage[];
  /** Every ticket of the activations (earlier ones too: a conversation is counted once). */
  tickets: TicketFacts[];
  tariffs: TariffVersion[];
  /** Everything in this input is of exercises: priced with the tariff's exercise share, lines marked. */
  exercise?: boolean;
}

export interface CostLine {
  item:
    | 'activation'
    | 'operator-time-d5'
    | 'operator-time-d2'
    | 'person-conversation'
    | 'messages'
    | 'tokens-in'
    | 'tokens-out';
  /** The channel, for message lines. */
  detail?: string;
  quantity: number;
  unit: string;
  /** Per unit; for tokens, per million. */
  unitCents: number;
  amountCents: number;
  tariff: string;
  /** A line of exercises, never added to the real service's lines. */
  exercise?: true;
}

export interface Count {
  key: string;
  in: number;
  out: number;
}

export interface HourPoint {
  hourStart: string;
  in: number;
  out: number;
  /** Messages in, by what answered them. */
  bot: number;
  people: number;
  unanswered: number;
}

/** An authority's exercises over the period, apart from its real activations' figures. */
export interface ExerciseFigures {
  activations: number;
  conversations: number;
  messagesIn: number;
  messagesOut: number;
  handledTickets: number;
  handlingMinutes: number;
  totalCents: number;
}

export interface Report {
  scope: 'activation' | 'authority';
  subject: string;
  /** An activation report of an exercise. */
  exercise?: true;
  /** An authority report: its exercises of the period, whose cost lines are marked `exercise`. */
  exercises?: ExerciseFigures;
  authorityNis?: string;
  period: { from: string; to: string; open: boolean };
  activations: Array<{ slug: string; activatedAt: string; deactivatedAt?: string }>;
  conversations: {
    started: number;
    botOnly: number;
    handedToD5: number;
    handedToD2: number;
    handledByPeople: number;
  };
  messages: {
    in: number;
    out: number;
    answeredByBot: number;
    handedToPeople: number;
    unanswered: number;
    fromOperators: number;
    byChannel: Count[];
    byLanguage: Count[];
  };
  operators: {
    handledTickets: number;
    handlingMinutes: number;
    quarterHoursD5: number;
    quarterHoursD2: number;
    peakAtOnce: number;
  };
  waiting: {
    claimed: number;
    unclaimed: number;
    p50Seconds: number | null;
    p95Seconds: number | null;
    histogram: Array<{ label: string; count: number }>;
  };
  tokens: { in: number; out: number };
  hourly: HourPoint[];
  costLines: CostLine[];
  totalCents: number;
  warnings: string[];
}

/** The figures of an exercises-only report, as an authority's report shows them beside its real ones. */
export function exerciseFiguresOf(report: Report): ExerciseFigures {
  return {
    activations: report.activations.length,
    conversations: report.conversations.started,
    messagesIn: report.messages.in,
    messagesOut: report.messages.out,
    handledTickets: report.operators.handledTickets,
    handlingMinutes: report.operators.handlingMinutes,
    totalCents: report.totalCents,
  };
}

/**
 * An authority's report with its exercises beside it: the figures are the real service's, the
 * exercises' cost lines follow on their own (marked), and the total is what the authority pays.
 */
export function withExercises(real: Report, exercises: Report): Report {
  return {
    ...real,
    exercises: exerciseFiguresOf(exercises),
    costLines: [...real.costLines, ...exercises.costLines],
    totalCents: real.totalCents + exercises.totalCents,
    warnings: [...new Set([...real.warnings, ...exercises.warnings])],
  };
}

/** What the bot did with a message in (its first reply's kind) says who answered it. */
const ANSWERED_BY_BOT = new Set(['answer', 'greeting', 'info', 'language']);
const UNANSWERED = new Set(['clarify']);
/** Upper bounds of the waiting-time histogram, in seconds. */
const WAIT_BUCKETS: Array<[string, number]> = [
  ['< 1 min', 60],
  ['1–5 min', 300],
  ['5–15 min', 900],
  ['15–30 min', 1800],
  ['≥ 30 min', Infinity],
];

function answeredBy(kind: string): 'bot' | 'people' | 'unanswered' {
  if (ANSWERED_BY_BOT.has(kind)) return 'bot';
  if (UNANSWERED.has(kind)) return 'unanswered';
  // handoff, d2, or no reply at all: the message went to (or is with) people.
  return 'people';
}

/** Adds one priced quantity to the line of the same item, detail, price and tariff. */
function charge(lines: CostLine[], line: Omit<CostLine, 'amountCents'>, perUnits = 1): void {
  const found = lines.find(
    (l) =>
      l.item === line.item &&
      l.detail === line.detail &&
      l.unitCents === line.unitCents &&
      l.tariff === line.tariff,
  );
  if (found) found.quantity += line.quantity;
  else lines.push({ ...line, amountCents: 0 });
  const target = found ?? lines.at(-1)!;
  target.amountCents = Math.round((target.quantity * target.unitCents) / perUnits);
}

function counts(map: Map<string, Count>, key: string, direction: 'in' | 'out', n: number): void {
  const entry = map.get(key) ?? { key, in: 0, out: 0 };
  entry[direction] += n;
  map.set(key, entry);
}

const sortedCounts = (map: Map<string, Count>) =>
  [...map.values()].sort((a, b) => a.key.localeCompare(b.key));

/**
 * The report of one activation or of one authority over a period: figures, the series for the
 * charts, and the cost lines with the tariff in force when each thing happened. A pure function
 * of its input, so the same period always gives the same report.
 */
export function buildReport(input: ReportInput): Report {
  const { period, now, tariffs, authorityNis } = input;
  const lines: CostLine[] = [];
  const untariffed: Date[] = [];
  const priced = (at: Date): Prices => {
    const prices = pricesAt(tariffs, authorityNis, at);
    if (!prices.tariff) untariffed.push(at);
    return input.exercise ? exercisePrices(prices) : prices;
  };

  for (const activation of input.activations) {
    if (activation.activatedAt < period.from || activation.activatedAt >= period.to) continue;
    const prices = priced(activation.activatedAt);
    charge(lines, {
      item: 'activation',
      detail: activation.slug,
      quantity: 1,
      unit: 'activation',
      unitCents: prices.activationCents,
      tariff: prices.tariff,
    });
  }

  const hourly = new Map<number, HourPoint>();
  for (let t = period.from.getTime(); t < period.to.getTime(); t += HOUR_MS) {
    hourly.set(t, { hourStart: new Date(t).toISOString(), in: 0, out: 0, bot: 0, people: 0, unanswered: 0 });
  }
  const byChannel = new Map<string, Count>();
  const byLanguage = new Map<string, Count>();
  let fromOperators = 0;
  const tokens = { in: 0, out: 0 };
  let started = 0;
  for (const hour of input.hours) {
    const point = hourly.get(hour.hourStart.getTime());
    if (!point) continue; // outside the period
    const prices = priced(hour.hourStart);
    for (const row of hour.messages) {
      point[row.direction] += row.count;
      counts(byChannel, row.channel, row.direction, row.count);
      counts(byLanguage, row.lang || 'unknown', row.direction, row.count);
      if (row.direction === 'in') point[answeredBy(row.kind)] += row.count;
      else if (row.kind === 'operator') fromOperators += row.count;
      const perMessage = prices.messageCents[row.channel];
      if (perMessage !== undefined) {
        charge(lines, {
          item: 'messages',
          detail: row.channel,
          quantity: row.count,
          unit: 'message',
          unitCents: perMessage,
          tariff: prices.tariff,
        });
      }
      tokens.in += row.tokensIn;
      tokens.out += row.tokensOut;
      if (row.tokensIn > 0) {
        charge(
          lines,
          {
            item: 'tokens-in',
            quantity: row.tokensIn,
            unit: 'token',
            unitCents: prices.tokensInPerMillionCents,
            tariff: prices.tariff,
          },
          1_000_000,
        );
      }
      if (row.tokensOut > 0) {
        charge(
          lines,
          {
            item: 'tokens-out',
            quantity: row.tokensOut,
            unit: 'token',
            unitCents: prices.tokensOutPerMillionCents,
            tariff: prices.tariff,
          },
          1_000_000,
        );
      }
    }
    for (const row of hour.conversations) started += row.count;
  }

  const operators = {
    handledTickets: 0,
    handlingMinutes: 0,
    quarterHoursD5: 0,
    quarterHoursD2: 0,
    peakAtOnce: 0,
  };
  let handlingMs = 0;
  for (const ticket of input.tickets) {
    const handled = handling(ticket, period, now);
    if (!handled || handled.ms === 0) continue;
    operators.handledTickets += 1;
    handlingMs += handled.ms;
    const prices = priced(handled.at);
    const d2 = ticket.queue === 'd2';
    if (d2) operators.quarterHoursD2 += handled.quarterHours;
    else operators.quarterHoursD5 += handled.quarterHours;
    charge(lines, {
      item: d2 ? 'operator-time-d2' : 'operator-time-d5',
      quantity: handled.quarterHours,
      unit: 'started quarter hour',
      unitCents: d2 ? prices.operatorQuarterHourD2Cents : prices.operatorQuarterHourD5Cents,
      tariff: prices.tariff,
    });
  }
  operators.handlingMinutes = Math.round(handlingMs / 60_000);
  operators.peakAtOnce = peakOperators(input.tickets, period, now);

  const handledAt = personConversations(input.tickets, period);
  for (const at of handledAt) {
    const prices = priced(at);
    charge(lines, {
      item: 'person-conversation',
      quantity: 1,
      unit: 'conversation',
      unitCents: prices.personConversationCents,
      tariff: prices.tariff,
    });
  }

  // The period's totals are the sums of its hours.
  const points = [...hourly.values()];
  const total = (key: 'in' | 'out' | 'bot' | 'people' | 'unanswered') =>
    points.reduce((sum, point) => sum + point[key], 0);
  const handed = handedConversations(input.tickets, period);
  const { waits, unclaimed } = waitingSeconds(input.tickets, period);
  let lower = -Infinity;
  const histogram = WAIT_BUCKETS.map(([label, upper]) => {
    const count = waits.filter((w) => w >= lower && w < upper).length;
    lower = upper;
    return { label, count };
  });

  if (input.exercise) for (const line of lines) line.exercise = true;
  return {
    scope: input.scope,
    subject: input.subject,
    ...(input.exercise ? { exercise: true as const } : {}),
    ...(authorityNis ? { authorityNis } : {}),
    period: { from: period.from.toISOString(), to: period.to.toISOString(), open: input.open },
    activations: input.activations.map((a) => ({
      slug: a.slug,
      activatedAt: a.activatedAt.toISOString(),
      ...(a.deactivatedAt ? { deactivatedAt: a.deactivatedAt.toISOString() } : {}),
    })),
    conversations: {
      started,
      // A conversation handed in a later period than it started counts as bot-only where it started.
      botOnly: Math.max(0, started - handed.d5 - handed.d2),
      handedToD5: handed.d5,
      handedToD2: handed.d2,
      handledByPeople: handledAt.length,
    },
    messages: {
      in: total('in'),
      out: total('out'),
      answeredByBot: total('bot'),
      handedToPeople: total('people'),
      unanswered: total('unanswered'),
      fromOperators,
      byChannel: sortedCounts(byChannel),
      byLanguage: sortedCounts(byLanguage),
    },
    operators,
    waiting: {
      claimed: waits.length,
      unclaimed,
      p50Seconds: percentile(waits, 0.5) ?? null,
      p95Seconds: percentile(waits, 0.95) ?? null,
      histogram,
    },
    tokens,
    hourly: points,
    costLines: lines,
    totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    warnings: untariffed.length
      ? [
          `no tariff in force between ${new Date(Math.min(...untariffed.map(Number))).toISOString()} and ` +
            `${new Date(Math.max(...untariffed.map(Number))).toISOString()}: what happened then is priced at 0`,
        ]
      : [],
  };
}
