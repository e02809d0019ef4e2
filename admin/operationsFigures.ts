import { LIVE_WINDOW_HOURS, staffingAdvice, type ServiceTarget, type StaffingAdvice } from '../accounting';
import { canServe, type Queue } from '../handoff';
import type { LiveMessageDoc } from '../models';

/** A citizen's message as the interaction log holds it (inbound entries only). */
export type LiveMessage = Omit<LiveMessageDoc, '_id'> & { id: string };

export interface LiveTicket {
  id: string;
  crisisSlug: string;
  queue: Queue;
  lang: string;
  state: 'waiting' | 'assigned' | 'closed';
  assignee?: string;
  createdAt: Date;
  closedAt?: Date;
  claims: Array<{ from: Date; to?: Date }>;
}

export interface OnlineOperator {
  id: string;
  roles: string[];
  languages: string[];
}

export interface LiveCrisis {
  slug: string;
  authorityNis?: string;
  languages: string[];
  /** A drill: its figures are shown on their own, never with real crises'. */
  exercise: boolean;
}

/** What the shared reads give every view (operationsReads.ts). */
export interface LiveData {
  at: Date;
  /** Inbound messages of the last CHART_HOURS. */
  messages: LiveMessage[];
  /** Tickets open, or opened or closed in the last CHART_HOURS. */
  tickets: LiveTicket[];
  operators: OnlineOperator[];
  crises: LiveCrisis[];
}

export interface FiguresPolicy {
  /** Conversations an operator holds at once (OPERATOR_CAPACITY). */
  capacity: number;
  target: ServiceTarget;
  /** How far back arrivals are counted for the staffing advice. */
  arrivalWindowMs: number;
  /** Handling time assumed while none was measured. */
  defaultHandleMs: number;
}

export interface QueueFigures {
  queue: Queue;
  lang: string;
  waiting: number;
  oldestWaitSeconds: number | null;
  /** Waits of the tickets taken in the last 15 minutes. */
  taken: number;
  medianWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  operatorsOnline: number;
  operatorsBusy: number;
  /** Conversations the online operators hold, and the share of their capacity that is. */
  assigned: number;
  load: number | null;
  /** Tickets opened in the arrival window, and handling times measured (claims ended) in the chart window. */
  arrivals: number;
  handled: number;
  staffing: StaffingAdvice;
}

export interface OperationsFigures {
  at: string;
  crises: string[];
  /** The figures are an exercise's (a scope never mixes exercises and real crises). */
  exercise: boolean;
  conversations: { now: number; lastHour: number };
  messagesPerMinute: number;
  /** Citizens' messages of the last hour by what the bot did with them. */
  replies: { total: number; answered: number; clarified: number; unanswered: number; handedOver: number };
  queues: QueueFigures[];
  d2: { open: number; oldestAgeSeconds: number | null; medianAgeSeconds: number | null };
  series: {
    bucketMinutes: number;
    /** Each bucket's end. */
    ends: string[];
    messages: number[];
    waiting: Record<Queue, number[]>;
  };
  settings: { serviceLevel: number; targetSeconds: number; arrivalWindowMinutes: number; capacity: number };
}

const MINUTE_MS = 60_000;
/** "Now": a conversation with a message in the last five minutes, and messages a minute over them. */
export const NOW_WINDOW_MS = 5 * MINUTE_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const WAIT_WINDOW_MS = 15 * MINUTE_MS;
/** The charts span the window of recent messages the log keeps. */
export const CHART_HOURS = LIVE_WINDOW_HOURS;
const BUCKET_MINUTES = 10;
const QUEUES: Queue[] = ['d5', 'd2'];

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  // Nearest rank: a value that was measured, which a supervisor can find among the tickets.
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

const seconds = (ms: number) => Math.round(ms / 1000);
const firstClaim = (t: LiveTicket) => t.claims[0]?.from;

/** Whether the ticket was waiting at `at`: opened, not yet taken, not closed. */
function waitingAt(t: LiveTicket, at: number): boolean {
  const taken = firstClaim(t)?.getTime() ?? Infinity;
  const closed = t.closedAt?.getTime() ?? Infinity;
  return t.createdAt.getTime() <= at && taken > at && closed > at;
}

/** What the bot did with a message, as the view counts it; undefined for greetings and the like. */
function replyClass(m: LiveMessage): keyof Omit<OperationsFigures['replies'], 'total'> | undefined {
  if (m.kind === 'answer') return 'answered';
  if (m.kind === 'clarify') return (m.options ?? 0) > 0 ? 'clarified' : 'unanswered';
  if (m.kind === 'handoff' || m.kind === 'd2') return 'handedOver';
  return undefined;
}

/** The real crises of `slugs`: what "all crises together" means, since an exercise never mixes with them. */
export function realCrises(data: LiveData, slugs: string[]): string[] {
  const exercises = new Set(data.crises.filter((c) => c.exercise).map((c) => c.slug));
  return slugs.filter((slug) => !exercises.has(slug));
}

/** Whether the scope is of exercises; a scope of both would mix a drill's figures with real ones. */
function exerciseScope(data: LiveData, slugs: string[]): boolean {
  const inScope = new Set(slugs);
  const kinds = new Set(data.crises.filter((c) => inScope.has(c.slug)).map((c) => c.exercise));
  if (kinds.size > 1)
    throw new Error(`exercises and real crises in one scope: ${[...slugs].sort().join(', ')}`);
  return kinds.has(true);
}

/**
 * The operations view of the crises `slugs`, from the shared reads: pure, so every view and
 * /metrics compute the same figures from the same data. Operators serve every crisis, so they are
 * counted whatever the crises (an operator holding an exercise's conversation is busy all the same).
 */
export function operationsFigures(data: LiveData, slugs: string[], policy: FiguresPolicy): OperationsFigures {
  const now = data.at.getTime();
  const exercise = exerciseScope(data, slugs);
  const inScope = new Set(slugs);
  const messages = data.messages.filter((m) => inScope.has(m.crisisSlug) && m.at.getTime() <= now);
  const tickets = data.tickets.filter((t) => inScope.has(t.crisisSlug));
  const since = (ms: number) => messages.filter((m) => m.at.getTime() > now - ms);
  const distinct = (list: LiveMessage[]) =>
    new Set(list.map((m) => `${m.crisisSlug}:${m.conversationId}`)).size;

  const replies = { total: 0, answered: 0, clarified: 0, unanswered: 0, handedOver: 0 };
  for (const m of since(HOUR_MS)) {
    const kind = replyClass(m);
    if (!kind) continue;
    replies[kind] += 1;
    replies.total += 1;
  }

  const assignedTo = new Map<string, number>();
  for (const t of data.tickets)
    if (t.state === 'assigned' && t.assignee)
      assignedTo.set(t.assignee, (assignedTo.get(t.assignee) ?? 0) + 1);

  const languages = new Set(data.crises.filter((c) => inScope.has(c.slug)).flatMap((c) => c.languages));
  for (const t of tickets) languages.add(t.lang);
  const queues = QUEUES.flatMap((queue) =>
    [...languages].sort().map((lang) => queueFigures(queue, lang, tickets, data, assignedTo, policy)),
  );

  const d2Open = tickets.filter((t) => t.queue === 'd2' && t.state !== 'closed');
  const d2Ages = d2Open.map((t) => now - t.createdAt.getTime()).sort((a, b) => a - b);

  const bucketMs = BUCKET_MINUTES * MINUTE_MS;
  const buckets = (CHART_HOURS * 60) / BUCKET_MINUTES;
  const ends = Array.from({ length: buckets }, (_, i) => now - (buckets - 1 - i) * bucketMs);
  const perBucket = ends.map(() => 0);
  for (const m of messages) {
    const index = buckets - 1 - Math.floor((now - m.at.getTime()) / bucketMs);
    if (index >= 0) perBucket[index]! += 1;
  }

  return {
    at: data.at.toISOString(),
    crises: [...slugs].sort(),
    exercise,
    conversations: { now: distinct(since(NOW_WINDOW_MS)), lastHour: distinct(since(HOUR_MS)) },
    messagesPerMinute: since(NOW_WINDOW_MS).length / (NOW_WINDOW_MS / MINUTE_MS),
    replies,
    queues,
    d2: {
      open: d2Open.length,
      oldestAgeSeconds: d2Ages.length ? seconds(d2Ages[d2Ages.length - 1]!) : null,
      medianAgeSeconds: d2Ages.length ? seconds(quantile(d2Ages, 0.5)!) : null,
    },
    series: {
      bucketMinutes: BUCKET_MINUTES,
      ends: ends.map((end) => new Date(end).toISOString()),
      messages: perBucket,
      waiting: {
        d5: ends.map((end) => tickets.filter((t) => t.queue === 'd5' && waitingAt(t, end)).length),
        d2: ends.map((end) => tickets.filter((t) => t.queue === 'd2' && waitingAt(t, end)).length),
      },
    },
    settings: {
      serviceLevel: policy.target.serviceLevel,
      targetSeconds: policy.target.targetSeconds,
      arrivalWindowMinutes: policy.arrivalWindowMs / MINUTE_MS,
      capacity: policy.capacity,
    },
  };
}

function queueFigures(
  queue: Queue,
  lang: string,
  scoped: LiveTicket[],
  data: LiveData,
  assignedTo: Map<string, number>,
  policy: FiguresPolicy,
): QueueFigures {
  const now = data.at.getTime();
  const tickets = scoped.filter((t) => t.queue === queue && t.lang === lang);
  const waiting = tickets.filter((t) => t.state === 'waiting');
  const oldest = Math.max(...waiting.map((t) => now - t.createdAt.getTime()));
  const waits = tickets
    .filter((t) => (firstClaim(t)?.getTime() ?? 0) > now - WAIT_WINDOW_MS)
    .map((t) => firstClaim(t)!.getTime() - t.createdAt.getTime())
    .sort((a, b) => a - b);
  const handles = tickets.flatMap((t) =>
    t.claims.filter((c) => c.to).map((c) => c.to!.getTime() - c.from.getTime()),
  );
  const arrivals = tickets.filter((t) => t.createdAt.getTime() > now - policy.arrivalWindowMs).length;

  const online = data.operators.filter((o) => canServe(o, queue, lang));
  const assigned = online.reduce((sum, o) => sum + (assignedTo.get(o.id) ?? 0), 0);
  const handleMs = handles.length
    ? handles.reduce((a, b) => a + b, 0) / handles.length
    : policy.defaultHandleMs;
  const median = quantile(waits, 0.5);
  const p90 = quantile(waits, 0.9);
  return {
    queue,
    lang,
    waiting: waiting.length,
    oldestWaitSeconds: waiting.length ? seconds(oldest) : null,
    taken: waits.length,
    medianWaitSeconds: median === null ? null : seconds(median),
    p90WaitSeconds: p90 === null ? null : seconds(p90),
    operatorsOnline: online.length,
    operatorsBusy: online.filter((o) => (assignedTo.get(o.id) ?? 0) > 0).length,
    assigned,
    load: online.length ? assigned / (online.length * policy.capacity) : null,
    arrivals,
    handled: handles.length,
    staffing: staffingAdvice(
      {
        arrivalsPerSecond: arrivals / (policy.arrivalWindowMs / 1000),
        handleSeconds: handleMs / 1000,
        capacity: policy.capacity,
        operatorsOnline: online.length,
      },
      policy.target,
    ),
  };
}
