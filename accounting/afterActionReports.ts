import { stringify } from 'csv-stringify/sync';
import { AuditLogModel, CrisisModel, InteractionModel, TicketModel } from '../models';
import { buildAfterAction, type AfterActionReport, type DrillTicket } from './afterAction';
import { ReportNotFound } from './reports';

/**
 * Loads an exercise's after-action report: its interaction log, its tickets (without personal
 * data), and the audit entries about the exercise and its tickets. A real crisis has none: it is
 * as unknown, like one the caller may not read.
 */
export async function afterActionReport(
  slug: string,
  mayRead: (authorityNis: string | undefined) => boolean = () => true,
): Promise<AfterActionReport> {
  const crisis = await CrisisModel.findOne({ slug }).lean();
  if (!crisis || !crisis.exercise || !mayRead(crisis.authorityNis ?? undefined)) {
    throw new ReportNotFound(`no exercise ${slug}`);
  }
  const [messages, ticketDocs] = await Promise.all([
    InteractionModel.find(
      { crisisSlug: slug },
      { _id: 0, conversationId: 1, direction: 1, kind: 1, lang: 1, at: 1 },
    ).lean(),
    TicketModel.find(
      { crisisSlug: slug },
      { queue: 1, reason: 1, lang: 1, createdAt: 1, closedAt: 1, outcome: 1, claims: 1 },
    ).lean(),
  ]);
  const tickets: DrillTicket[] = ticketDocs.map((doc) => ({
    id: doc._id.toHexString(),
    queue: doc.queue,
    reason: doc.reason,
    lang: doc.lang,
    createdAt: (doc as unknown as { createdAt: Date }).createdAt,
    ...(doc.closedAt ? { closedAt: doc.closedAt } : {}),
    ...(doc.outcome ? { outcome: doc.outcome } : {}),
    claims: (doc.claims ?? []).map((c) => ({ by: c.by ?? '', from: c.from!, ...(c.to ? { to: c.to } : {}) })),
  }));
  const audit = await AuditLogModel.find(
    // Targets as written by the crisis routes (`crisis:`) and the ticket routes (`ticket:`, D2 and exercise actions).
    { target: { $in: [`crisis:${slug}`, ...tickets.map((t) => `ticket:${t.id}`)] } },
    { _id: 0, at: 1, actor: 1, action: 1, outcome: 1 },
  ).lean();
  return buildAfterAction({
    slug,
    activatedAt: crisis.activatedAt,
    ...(crisis.deactivatedAt ? { deactivatedAt: crisis.deactivatedAt } : {}),
    messages: messages.map((m) => ({
      conversationId: m.conversationId,
      direction: m.direction,
      at: m.at,
      ...(m.kind ? { kind: m.kind } : {}),
      ...(m.lang ? { lang: m.lang } : {}),
    })),
    tickets,
    audit,
  });
}

/** The after-action report as one CSV table (section, name, detail, value, unit), like the cost report's. */
export function afterActionCsv(report: AfterActionReport): string {
  const rows: Array<[string, string, string, string | number, string]> = [];
  const { timeline, messages } = report;
  for (const [name, value] of Object.entries(timeline)) {
    if (value === null || typeof value === 'string')
      rows.push(['timeline', name, '', value ?? '', 'instant']);
  }
  if (timeline.busiestMinute) {
    rows.push([
      'timeline',
      'busiestMinute',
      timeline.busiestMinute.at,
      timeline.busiestMinute.messagesIn,
      'messages in',
    ]);
  }
  if (timeline.mostWaiting) {
    rows.push(['timeline', 'mostWaiting', timeline.mostWaiting.at, timeline.mostWaiting.tickets, 'tickets']);
  }
  rows.push(['figure', 'conversations', '', report.conversations, 'conversations']);
  const { shares, ...counts } = messages;
  for (const [name, value] of Object.entries(counts)) rows.push(['messages', name, '', value, 'messages']);
  for (const [name, value] of Object.entries(shares)) rows.push(['share', name, '', value, 'of messages in']);
  rows.push(['figure', 'unansweredQuestions', '', report.unansweredQuestions, 'messages']);
  for (const wait of report.waits) {
    const detail = `${wait.queue} ${wait.lang}`;
    rows.push(['wait', 'claimed', detail, wait.count, 'tickets']);
    rows.push(['wait', 'unclaimed', detail, wait.unclaimed, 'tickets']);
    rows.push(['wait', 'p50', detail, wait.p50Seconds ?? '', 'seconds']);
    rows.push(['wait', 'p90', detail, wait.p90Seconds ?? '', 'seconds']);
  }
  const d2 = report.d2Intakes;
  rows.push(['d2', 'opened', '', d2.opened, 'intakes']);
  rows.push(['d2', 'claimed', '', d2.claimed, 'intakes']);
  rows.push(['d2', 'claimP50', '', d2.p50Seconds ?? '', 'seconds']);
  rows.push(['d2', 'claimP90', '', d2.p90Seconds ?? '', 'seconds']);
  for (const [name, value] of Object.entries(report.tickets)) {
    if (typeof value === 'number') rows.push(['tickets', name, '', value, 'tickets']);
  }
  for (const [outcome, value] of Object.entries(report.tickets.byOutcome)) {
    rows.push(['tickets', 'outcome', outcome, value, 'tickets']);
  }
  for (const operator of report.operators) {
    rows.push(['operator', 'claims', operator.id, operator.claims, 'claims']);
    rows.push(['operator', 'closes', operator.id, operator.closes, 'tickets']);
    for (const [action, value] of Object.entries(operator.actions)) {
      rows.push(['operator', action, operator.id, value, 'audited actions']);
    }
  }
  return stringify(rows, { header: true, columns: ['section', 'name', 'detail', 'value', 'unit'] });
}
