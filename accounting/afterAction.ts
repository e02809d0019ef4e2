import { percentile } from './ticketMeasures';

/** What the after-action report reads of one interaction-log entry (models/interaction.ts). */
export interface LoggedMessage {
  conversationId: string;
  direction: 'in' | 'out';
  kind?: string;
  lang?: string;
  at: Date;
}

/** What it reads of a ticket. */
export interface DrillTicket {
  id: string;
  queue: 'd5' | 'd2';
  reason: string;
  lang: string;
  createdAt: Date;
  closedAt?: Date;
  outcome?: string;
  claims: Array<{ by: string; from: Date; to?: Date }>;
}

/** What it reads of an audit entry about the exercise or its tickets. */
export interface AuditedAction {
  at: Date;
  actor: string;
  action: string;
  outcome: string;
}

export interface AfterActionInput {
  slug: string;
  activatedAt: Date;
  deactivatedAt?: Date;
  messages: LoggedMessage[];
  tickets: DrillTicket[];
  audit: AuditedAction[];
}

export interface Spread {
  count: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export interface AfterActionReport {
  slug: string;
  timeline: {
    activatedAt: string;
    firstAnswerAt: string | null;
    firstHandoffAt: string | null;
    deactivatedAt: string | null;
    /** The minute with most messages in, and how many. */
    busiestMinute: { at: string; messagesIn: number } | null;
    /** Most tickets waiting at the same moment, and when that began. */
    mostWaiting: { at: string; tickets: number } | null;
  };
  conversations: number;
  /** Messages in, by what the bot did with them (its first reply's kind). */
  messages: {
    in: number;
    answered: number;
    clarified: number;
    handedToPeople: number;
    /** No reply at all. */
    unanswered: number;
    other: number;
    shares: { answered: number; clarified: number; handedToPeople: number; unanswered: number };
  };
  /** Questions the bot could not answer itself: clarified, or left without reply. */
  unansweredQuestions: number;
  /** Seconds from a ticket's opening to its first claim, per queue and language; `unclaimed` never claimed. */
  waits: Array<Spread & { queue: string; lang: string; unclaimed: number }>;
  d2Intakes: Spread & { opened: number; claimed: number };
  tickets: { opened: number; closed: number; stillOpen: number; byOutcome: Record<string, number> };
  operators: Array<{ id: string; claims: number; closes: number; actions: Record<string, number> }>;
}

const ANSWERED = new Set(['answer']);
const HANDED = new Set(['handoff', 'd2', 'operator']);

const seconds = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 1000);
const iso = (at: Date | undefined) => (at ? at.toISOString() : null);
const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000);

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Seconds: percentile(sorted, 0.5) ?? null,
    p90Seconds: percentile(sorted, 0.9) ?? null,
  };
}

function earliest(dates: Date[]): Date | undefined {
  return dates.reduce<Date | undefined>((min, at) => (!min || at < min ? at : min), undefined);
}

function busiestMinute(messages: LoggedMessage[]): AfterActionReport['timeline']['busiestMinute'] {
  const perMinute = new Map<number, number>();
  for (const m of messages) {
    if (m.direction !== 'in') continue;
    const minute = Math.floor(m.at.getTime() / 60_000) * 60_000;
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
  }
  let best: [number, number] | undefined;
  for (const entry of perMinute) if (!best || entry[1] > best[1]) best = entry;
  return best ? { at: new Date(best[0]).toISOString(), messagesIn: best[1] } : null;
}

/** Waiting means opened and not yet claimed (nor closed): counted over every opening and first claim. */
function mostWaiting(tickets: DrillTicket[]): AfterActionReport['timeline']['mostWaiting'] {
  const events: Array<{ at: number; delta: 1 | -1 }> = [];
  for (const t of tickets) {
    events.push({ at: t.createdAt.getTime(), delta: 1 });
    const end = t.claims[0]?.from ?? t.closedAt;
    if (end) events.push({ at: end.getTime(), delta: -1 });
  }
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let waiting = 0;
  let best: { at: number; tickets: number } | undefined;
  for (const { at, delta } of events) {
    waiting += delta;
    if (!best || waiting > best.tickets) best = { at, tickets: waiting };
  }
  return best && best.tickets > 0 ? { at: new Date(best.at).toISOString(), tickets: best.tickets } : null;
}

function operatorsOf(tickets: DrillTicket[], audit: AuditedAction[]): AfterActionReport['operators'] {
  const operators = new Map<string, AfterActionReport['operators'][number]>();
  const of = (id: string) => {
    const found = operators.get(id) ?? { id, claims: 0, closes: 0, actions: {} };
    operators.set(id, found);
    return found;
  };
  for (const t of tickets) {
    for (const claim of t.claims) of(claim.by).claims += 1;
    const last = t.claims.at(-1);
    // Closed by whoever held it when it closed; a ticket closed without a claim (the exercise ended) by nobody.
    if (t.closedAt && last?.to && last.to.getTime() === t.closedAt.getTime()) of(last.by).closes += 1;
  }
  for (const entry of audit) {
    const actions = of(entry.actor).actions;
    const key = entry.outcome === 'allowed' ? entry.action : `${entry.action} (refused)`;
    actions[key] = (actions[key] ?? 0) + 1;
  }
  return [...operators.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The after-action report of an exercise, from the same interaction log and tickets as the cost
 * reports, and the audit log for what staff did: a pure function, so its figures can be checked
 * against those records.
 */
export function buildAfterAction(input: AfterActionInput): AfterActionReport {
  const { messages, tickets } = input;
  const inbound = messages.filter((m) => m.direction === 'in');
  const count = (kinds: Set<string>) => inbound.filter((m) => kinds.has(m.kind ?? '')).length;
  const answered = count(ANSWERED);
  const clarified = count(new Set(['clarify']));
  const handedToPeople = count(HANDED);
  const unanswered = inbound.filter((m) => !m.kind).length;

  const byQueueLang = new Map<string, DrillTicket[]>();
  for (const t of tickets) {
    const key = `${t.queue}|${t.lang}`;
    byQueueLang.set(key, [...(byQueueLang.get(key) ?? []), t]);
  }
  const waits = [...byQueueLang.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => {
      const [queue = '', lang = ''] = key.split('|');
      const claimed = group.filter((t) => t.claims[0]);
      return {
        queue,
        lang,
        ...spread(claimed.map((t) => seconds(t.createdAt, t.claims[0]!.from))),
        unclaimed: group.length - claimed.length,
      };
    });

  const intakes = tickets.filter((t) => t.queue === 'd2' && t.reason === 'd2');
  const claimedIntakes = intakes.filter((t) => t.claims[0]);
  const byOutcome: Record<string, number> = {};
  for (const t of tickets) if (t.outcome) byOutcome[t.outcome] = (byOutcome[t.outcome] ?? 0) + 1;
  const closed = tickets.filter((t) => t.closedAt).length;

  return {
    slug: input.slug,
    timeline: {
      activatedAt: input.activatedAt.toISOString(),
      firstAnswerAt: iso(
        earliest(messages.filter((m) => m.direction === 'out' && m.kind === 'answer').map((m) => m.at)),
      ),
      firstHandoffAt: iso(earliest(tickets.map((t) => t.createdAt))),
      deactivatedAt: iso(input.deactivatedAt),
      busiestMinute: busiestMinute(messages),
      mostWaiting: mostWaiting(tickets),
    },
    conversations: new Set(messages.map((m) => m.conversationId)).size,
    messages: {
      in: inbound.length,
      answered,
      clarified,
      handedToPeople,
      unanswered,
      other: inbound.length - answered - clarified - handedToPeople - unanswered,
      shares: {
        answered: share(answered, inbound.length),
        clarified: share(clarified, inbound.length),
        handedToPeople: share(handedToPeople, inbound.length),
        unanswered: share(unanswered, inbound.length),
      },
    },
    unansweredQuestions: clarified + unanswered,
    waits,
    d2Intakes: {
      opened: intakes.length,
      claimed: claimedIntakes.length,
      ...spread(claimedIntakes.map((t) => seconds(t.createdAt, t.claims[0]!.from))),
    },
    tickets: { opened: tickets.length, closed, stillOpen: tickets.length - closed, byOutcome },
    operators: operatorsOf(tickets, input.audit),
  };
}
