/** What cost reports need of a ticket (handoff/ owns tickets; this is read from their documents). */
export interface TicketFacts {
  crisisSlug: string;
  conversationId: string;
  queue: 'd5' | 'd2';
  createdAt: Date;
  claims: Array<{ by: string; from: Date; to?: Date }>;
}

export interface Period {
  from: Date;
  to: Date;
}

const QUARTER_HOUR_MS = 15 * 60_000;

const within = (at: Date, { from, to }: Period) => at >= from && at < to;

/** A claim still running ends, for the report, at the period's end or now, whichever is first. */
function claimEnd(claim: { to?: Date }, period: Period, now: Date): Date {
  return claim.to ?? new Date(Math.min(now.getTime(), period.to.getTime()));
}

/**
 * Operator time of one ticket in the period: its claims that start in the period, billed per
 * started quarter hour of their total, at the first of those claims.
 */
export function handling(
  ticket: TicketFacts,
  period: Period,
  now: Date,
): { ms: number; quarterHours: number; at: Date } | undefined {
  const claims = ticket.claims.filter((claim) => within(claim.from, period));
  if (claims.length === 0) return undefined;
  const ms = claims.reduce(
    (sum, claim) => sum + Math.max(0, claimEnd(claim, period, now).getTime() - claim.from.getTime()),
    0,
  );
  return { ms, quarterHours: Math.ceil(ms / QUARTER_HOUR_MS), at: claims[0]!.from };
}

/** Most operators holding at least one claim at the same moment, within the period. */
export function peakOperators(tickets: TicketFacts[], period: Period, now: Date): number {
  const events: Array<{ at: number; by: string; delta: 1 | -1 }> = [];
  for (const ticket of tickets) {
    for (const claim of ticket.claims) {
      const start = Math.max(claim.from.getTime(), period.from.getTime());
      const end = Math.min(claimEnd(claim, period, now).getTime(), period.to.getTime());
      if (end <= start) continue;
      events.push({ at: start, by: claim.by, delta: 1 }, { at: end, by: claim.by, delta: -1 });
    }
  }
  // At the same instant, ends before starts: a claim handed straight on is not two at once.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const holding = new Map<string, number>();
  let peak = 0;
  for (const { by, delta } of events) {
    const count = (holding.get(by) ?? 0) + delta;
    if (count > 0) holding.set(by, count);
    else holding.delete(by);
    peak = Math.max(peak, holding.size);
  }
  return peak;
}

/** Nearest-rank percentile of sorted values (q in 0..1); undefined when there are none. */
export function percentile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** Seconds from opening to first claim, for tickets opened in the period and claimed (sorted). */
export function waitingSeconds(
  tickets: TicketFacts[],
  period: Period,
): { waits: number[]; unclaimed: number } {
  const waits: number[] = [];
  let unclaimed = 0;
  for (const ticket of tickets) {
    if (!within(ticket.createdAt, period)) continue;
    const first = ticket.claims[0];
    if (!first) unclaimed += 1;
    else waits.push(Math.round((first.from.getTime() - ticket.createdAt.getTime()) / 1000));
  }
  return { waits: waits.sort((a, b) => a - b), unclaimed };
}

/**
 * Conversations handed to people, counted in the period their first ticket of that queue opened;
 * a conversation with a D2 ticket counts as D2 only.
 */
export function handedConversations(tickets: TicketFacts[], period: Period): { d5: number; d2: number } {
  const firstOpened = new Map<string, Date>();
  for (const ticket of tickets) {
    const key = `${ticket.queue}|${ticket.crisisSlug}|${ticket.conversationId}`;
    const known = firstOpened.get(key);
    if (!known || ticket.createdAt < known) firstOpened.set(key, ticket.createdAt);
  }
  const d2 = new Set<string>();
  const d5 = new Set<string>();
  for (const [key, at] of firstOpened) {
    if (!within(at, period)) continue;
    const [queue, ...conversation] = key.split('|');
    (queue === 'd2' ? d2 : d5).add(conversation.join('|'));
  }
  for (const conversation of d2) d5.delete(conversation);
  return { d5: d5.size, d2: d2.size };
}

/**
 * Conversations a person handled, each counted once, in the period of its first claim ever, and
 * when that was (for the price in force).
 */
export function personConversations(tickets: TicketFacts[], period: Period): Date[] {
  const firstClaim = new Map<string, Date>();
  for (const ticket of tickets) {
    const first = ticket.claims[0];
    if (!first) continue;
    const key = `${ticket.crisisSlug}|${ticket.conversationId}`;
    const known = firstClaim.get(key);
    if (!known || first.from < known) firstClaim.set(key, first.from);
  }
  return [...firstClaim.values()]
    .filter((at) => within(at, period))
    .sort((a, b) => a.getTime() - b.getTime());
}
