import { liveMessagesSince } from '../accounting';
import { CrisisModel, TicketModel, UserModel } from '../models';
import {
  CHART_HOURS,
  HOUR_MS,
  type LiveCrisis,
  type LiveData,
  type LiveMessage,
  type LiveTicket,
  type OnlineOperator,
} from './operationsFigures';

export interface OperationsReadsOptions {
  /** How often the data may be read again, at most. */
  pollMs: number;
  /** Someone counts as online if their console reported in within this window. */
  onlineWindowMs: number;
}

/** How far back each read re-reads the log, for entries written late by another process's buffer. */
const LOG_OVERLAP_MS = 60_000;
const CHART_MS = CHART_HOURS * HOUR_MS;
const STAFF_ROLES = ['operator', 'd2-agent'] as const;

/**
 * The one read of the database behind every operations view and /metrics of this process. On
 * FerretDB every filter scans its collection, so each read asks for a time window only (citizens'
 * messages since the previous read, from the ten-minute collections the log keeps of the last
 * hours; the tickets open or moved within the chart's hours), and a read is
 * reused by every caller for twice as long as it took, at least: the database serves citizens
 * first.
 */
export class OperationsReads {
  private current?: { at: number; data: Promise<LiveData> };
  private lastReadMs = 0;
  private readonly messages = new Map<string, LiveMessage>();
  private messagesReadAt?: number;

  constructor(private readonly options: OperationsReadsOptions) {}

  /** The time the last read took (for /metrics and the docs' measurements). */
  get readMs(): number {
    return this.lastReadMs;
  }

  private get maxAgeMs(): number {
    return Math.max(this.options.pollMs, 2 * this.lastReadMs);
  }

  data(): Promise<LiveData> {
    if (!this.current || Date.now() - this.current.at >= this.maxAgeMs) {
      const at = Date.now();
      const data = this.read(new Date(at));
      data.then(
        () => (this.lastReadMs = Date.now() - at),
        () => (this.current = undefined),
      );
      this.current = { at, data };
    }
    return this.current.data;
  }

  private async read(now: Date): Promise<LiveData> {
    const [messages, tickets, operators, crises] = await Promise.all([
      this.recentMessages(now),
      this.recentTickets(now),
      this.onlineOperators(now),
      this.activeCrises(),
    ]);
    return { at: now, messages, tickets, operators, crises };
  }

  /** Citizens' messages of the chart window, kept here and completed by reading only what is new. */
  private async recentMessages(now: Date): Promise<LiveMessage[]> {
    const windowStart = now.getTime() - CHART_MS;
    const from = Math.max(windowStart, (this.messagesReadAt ?? windowStart) - LOG_OVERLAP_MS);
    const docs = await liveMessagesSince(new Date(from), now);
    this.messagesReadAt = now.getTime();
    for (const d of docs) {
      this.messages.set(d._id, {
        id: d._id,
        crisisSlug: d.crisisSlug,
        conversationId: d.conversationId,
        at: d.at,
        ...(d.lang ? { lang: d.lang } : {}),
        ...(d.kind ? { kind: d.kind } : {}),
        ...(typeof d.options === 'number' ? { options: d.options } : {}),
      });
    }
    for (const [id, m] of this.messages) if (m.at.getTime() < windowStart) this.messages.delete(id);
    return [...this.messages.values()];
  }

  private async recentTickets(now: Date): Promise<LiveTicket[]> {
    const since = new Date(now.getTime() - CHART_MS);
    const docs = await TicketModel.find(
      { $or: [{ state: { $ne: 'closed' } }, { createdAt: { $gte: since } }, { closedAt: { $gte: since } }] },
      { crisisSlug: 1, queue: 1, lang: 1, state: 1, assignee: 1, createdAt: 1, closedAt: 1, claims: 1 },
    ).lean();
    return docs.map((d) => ({
      id: d._id.toHexString(),
      crisisSlug: d.crisisSlug,
      queue: d.queue,
      lang: d.lang,
      state: d.state,
      createdAt: (d as unknown as { createdAt: Date }).createdAt,
      claims: (d.claims ?? []).map((c) => ({ from: c.from ?? new Date(0), ...(c.to ? { to: c.to } : {}) })),
      ...(d.assignee ? { assignee: d.assignee } : {}),
      ...(d.closedAt ? { closedAt: d.closedAt } : {}),
    }));
  }

  private async onlineOperators(now: Date): Promise<OnlineOperator[]> {
    const docs = await UserModel.find(
      {
        roles: { $in: STAFF_ROLES },
        presence: 'available',
        disabled: { $ne: true },
        lastSeenAt: { $gte: new Date(now.getTime() - this.options.onlineWindowMs) },
      },
      { roles: 1, languages: 1 },
    ).lean();
    return docs.map((d) => ({ id: d._id.toHexString(), roles: d.roles, languages: d.languages }));
  }

  private async activeCrises(): Promise<LiveCrisis[]> {
    const docs = await CrisisModel.find(
      { status: 'active' },
      { slug: 1, authorityNis: 1, languages: 1, exercise: 1 },
    ).lean();
    return docs.map((d) => ({
      slug: d.slug,
      languages: d.languages,
      exercise: Boolean(d.exercise),
      ...(d.authorityNis ? { authorityNis: d.authorityNis } : {}),
    }));
  }
}
