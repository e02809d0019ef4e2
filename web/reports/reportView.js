// A report's cost lines and figures as tables. Everything from the report reaches the page as text.

import { $, el } from '../shared/ui.js';
import { duration, euros, languageName, number } from './format.js';

const ITEMS = {
  activation: 'Activation of the service',
  'operator-time-d5': 'Operator time, general questions (D5)',
  'operator-time-d2': 'Specialist time, victim inquiries (D2)',
  'person-conversation': 'Conversations handled by people',
  messages: 'Messages',
  'tokens-in': 'Language model, tokens in',
  'tokens-out': 'Language model, tokens out',
};
const PER_MILLION = new Set(['tokens-in', 'tokens-out']);

function cell(text, className = '') {
  return el('td', className, text);
}

export function renderCosts(report) {
  const rows = report.costLines.map((line) => {
    const row = el('tr');
    row.dataset.item = line.item;
    if (line.exercise) row.dataset.exercise = 'true';
    const unitPrice = euros(line.unitCents) + (PER_MILLION.has(line.item) ? ' per million' : '');
    row.append(
      cell(`${line.exercise ? 'Exercise: ' : ''}${ITEMS[line.item] ?? line.item}`),
      cell(line.detail ?? ''),
      cell(number(line.quantity), 'num'),
      cell(line.unit),
      cell(unitPrice, 'num'),
      cell(euros(line.amountCents), 'num'),
      cell(line.tariff || 'none in force'),
    );
    return row;
  });
  $('cost-lines').replaceChildren(...rows);
  $('no-costs').hidden = rows.length > 0;
  const total = $('total');
  total.textContent = euros(report.totalCents);
  total.dataset.cents = String(report.totalCents);
}

export function renderWarnings(report) {
  const list = $('warnings');
  list.replaceChildren(...report.warnings.map((warning) => el('li', '', warning)));
  list.hidden = report.warnings.length === 0;
}

/** A table of named figures: [label, value] rows under a caption. */
function figureTable(caption, rows) {
  const table = el('table', 'data-table figure-table');
  const body = el('tbody');
  for (const [label, value] of rows) {
    const row = el('tr');
    const name = el('th', '', label);
    name.scope = 'row';
    row.append(name, cell(value, 'num'));
    body.append(row);
  }
  table.append(el('caption', '', caption), body);
  return table;
}

/** Messages in and out per channel or language. */
function countsTable(caption, column, counts, nameOf = (key) => key) {
  const table = el('table', 'data-table figure-table');
  const head = el('tr');
  head.append(el('th', '', column), el('th', 'num', 'In'), el('th', 'num', 'Out'));
  for (const heading of head.children) heading.scope = 'col';
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  for (const count of counts) {
    const row = el('tr');
    const name = el('th', '', nameOf(count.key));
    name.scope = 'row';
    row.append(name, cell(number(count.in), 'num'), cell(number(count.out), 'num'));
    body.append(row);
  }
  if (counts.length === 0) {
    const row = el('tr');
    const none = cell('No messages.');
    none.colSpan = 3;
    row.append(none);
    body.append(row);
  }
  table.append(el('caption', '', caption), thead, body);
  return table;
}

export function renderFigures(report) {
  const { conversations: c, messages: m, operators: o, waiting: w, tokens: t } = report;
  const n = number;
  $('figures').replaceChildren(
    figureTable('Conversations', [
      ['Started', n(c.started)],
      ['Answered by the bot only', n(c.botOnly)],
      ['Handed to operators (D5)', n(c.handedToD5)],
      ['Handed to specialists (D2)', n(c.handedToD2)],
      ['Handled by people', n(c.handledByPeople)],
    ]),
    figureTable('Messages', [
      ['In (from citizens)', n(m.in)],
      ['Out (to citizens)', n(m.out)],
      ['In, answered by the bot', n(m.answeredByBot)],
      ['In, handed to people', n(m.handedToPeople)],
      ['In, unanswered (asked to rephrase)', n(m.unanswered)],
      ['Out, from operators', n(m.fromOperators)],
    ]),
    countsTable('Messages by channel', 'Channel', m.byChannel),
    countsTable('Messages by language', 'Language', m.byLanguage, languageName),
    figureTable('Operators', [
      ['Tickets handled', n(o.handledTickets)],
      ['Handling time (minutes)', n(o.handlingMinutes)],
      ['Started quarter hours, D5', n(o.quarterHoursD5)],
      ['Started quarter hours, D2', n(o.quarterHoursD2)],
      ['Most operators at once', n(o.peakAtOnce)],
    ]),
    figureTable('Waiting for an operator', [
      ['Tickets taken', n(w.claimed)],
      ['Tickets never taken', n(w.unclaimed)],
      ['Median wait (p50)', duration(w.p50Seconds)],
      ['95th percentile wait (p95)', duration(w.p95Seconds)],
    ]),
    figureTable('Language model tokens', [
      ['In', n(t.in)],
      ['Out', n(t.out)],
    ]),
    ...(report.exercises ? [exercisesTable(report.exercises)] : []),
  );
}

/** An authority's exercises, apart from the figures above (which are its real activations'). */
function exercisesTable(x) {
  const n = number;
  return figureTable('Exercises (not in the figures above)', [
    ['Exercises', n(x.activations)],
    ['Conversations', n(x.conversations)],
    ['Messages in', n(x.messagesIn)],
    ['Messages out', n(x.messagesOut)],
    ['Tickets handled', n(x.handledTickets)],
    ['Handling time (minutes)', n(x.handlingMinutes)],
    ['Charged', euros(x.totalCents)],
  ]);
}
