import { stringify } from 'csv-stringify/sync';
import type { Report } from './report';

const euros = (cents: number) => (cents / 100).toFixed(2);

type Row = [
  section: string,
  name: string,
  detail: string,
  value: number | string,
  unit: string,
  unitPriceEur: string,
  amountEur: string,
  tariff: string,
];

/**
 * The report as one CSV table: cost lines, then every figure, then the hourly series, each row
 * saying which section it belongs to, so a spreadsheet can filter on it. Euros with a dot.
 */
export function reportCsv(report: Report): string {
  const rows: Row[] = [];
  for (const line of report.costLines) {
    const unitPrice = line.item.startsWith('tokens')
      ? euros(line.unitCents) + ' per million'
      : euros(line.unitCents);
    rows.push([
      // Exercises' lines are never read as the real service's: their own section.
      line.exercise ? 'exercise-cost' : 'cost',
      line.item,
      line.detail ?? '',
      line.quantity,
      line.unit,
      unitPrice,
      euros(line.amountCents),
      line.tariff,
    ]);
  }
  rows.push(['cost', 'total', '', '', '', '', euros(report.totalCents), '']);
  const figure = (name: string, value: number | null, unit = '', detail = '') =>
    rows.push(['figure', name, detail, value ?? '', unit, '', '', '']);
  for (const [name, value] of Object.entries(report.conversations))
    figure(`conversations.${name}`, value, 'conversations');
  const { byChannel, byLanguage, ...messages } = report.messages;
  for (const [name, value] of Object.entries(messages)) figure(`messages.${name}`, value, 'messages');
  for (const count of byChannel) {
    figure('messages.in', count.in, 'messages', `channel ${count.key}`);
    figure('messages.out', count.out, 'messages', `channel ${count.key}`);
  }
  for (const count of byLanguage) {
    figure('messages.in', count.in, 'messages', `language ${count.key}`);
    figure('messages.out', count.out, 'messages', `language ${count.key}`);
  }
  for (const [name, value] of Object.entries(report.operators)) figure(`operators.${name}`, value);
  figure('waiting.claimed', report.waiting.claimed, 'tickets');
  figure('waiting.unclaimed', report.waiting.unclaimed, 'tickets');
  figure('waiting.p50', report.waiting.p50Seconds, 'seconds');
  figure('waiting.p95', report.waiting.p95Seconds, 'seconds');
  if (report.exercise) figure('exercise', 1, 'an exercise');
  for (const [name, value] of Object.entries(report.exercises ?? {})) figure(`exercises.${name}`, value);
  figure('tokens.in', report.tokens.in, 'tokens');
  figure('tokens.out', report.tokens.out, 'tokens');
  for (const point of report.hourly) {
    for (const key of ['in', 'out', 'bot', 'people', 'unanswered'] as const) {
      rows.push(['hourly', point.hourStart, key, point[key], 'messages', '', '', '']);
    }
  }
  return stringify(rows, {
    header: true,
    columns: ['section', 'name', 'detail', 'value', 'unit', 'unit_price_eur', 'amount_eur', 'tariff'],
  });
}
