// The report's four charts. Chart.js comes from ./vendor/chart.umd.js (the project's own chart.js), a classic script loaded before
// this module (window.Chart). Each canvas is an image with a label, described by its caption, and
// followed by a visually hidden table of the same numbers for screen readers.

import { $, el } from '../shared/ui.js';
import { duration, hourLabel, languageName, number, timeZone } from './format.js';

const COLORS = {
  in: '#1a5fb4',
  out: '#8a94a3',
  bot: '#1a5fb4',
  people: '#c25e00',
  unanswered: '#b8bfc9',
  waiting: '#26734d',
};
/** Beyond a week of hours, bars per hour become unreadable (and the data tables endless): per day then. */
const MOST_HOURS = 7 * 24;

const charts = new Map();

// Chart.js sizes a canvas from its box on screen; print needs the print size before the page is laid
// out for paper (--print-chart-* in reports.css), then its screen size back.
window.addEventListener('beforeprint', () => {
  const style = window.getComputedStyle(document.documentElement);
  const width = parseFloat(style.getPropertyValue('--print-chart-width'));
  const height = parseFloat(style.getPropertyValue('--print-chart-height'));
  for (const chart of charts.values()) chart.resize(width, height);
});
window.addEventListener('afterprint', resizeAll);
window.matchMedia('print').addEventListener('change', resizeAll);

function resizeAll() {
  for (const chart of charts.values()) chart.resize();
}

export function clearCharts() {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
}

export function renderCharts(report) {
  const { unit, points } = seriesOf(report.hourly);
  const sum = (key) => points.reduce((total, point) => total + point[key], 0);
  const labels = points.map((point) => point.label);
  const busiest = points.reduce((best, point) => (point.in > (best?.in ?? 0) ? point : best), undefined);

  draw('volume', {
    label: `Messages in and out per ${unit}`,
    caption:
      sum('in') + sum('out') === 0
        ? `No messages in this period (per ${unit}, ${timeZone()} time).`
        : `Messages in and out per ${unit}, ${timeZone()} time: ${number(sum('in'))} in, ` +
          `${number(sum('out'))} out; the busiest ${unit} was ${busiest?.label ?? '—'} ` +
          `with ${number(busiest?.in ?? 0)} in.`,
    column: unit === 'day' ? 'Day' : 'Hour',
    labels,
    datasets: [
      { label: 'In', data: points.map((p) => p.in), color: COLORS.in },
      { label: 'Out', data: points.map((p) => p.out), color: COLORS.out },
    ],
  });

  draw('share', {
    label: `Messages in per ${unit}, by who answered them`,
    caption:
      `Who answered the messages in, per ${unit}: the bot ${number(sum('bot'))}, ` +
      `people ${number(sum('people'))}, unanswered ${number(sum('unanswered'))}.`,
    column: unit === 'day' ? 'Day' : 'Hour',
    labels,
    stacked: true,
    datasets: [
      { label: 'Bot', data: points.map((p) => p.bot), color: COLORS.bot },
      { label: 'People', data: points.map((p) => p.people), color: COLORS.people },
      { label: 'Unanswered', data: points.map((p) => p.unanswered), color: COLORS.unanswered },
    ],
  });

  const languages = report.messages.byLanguage;
  draw('languages', {
    label: 'Messages by language',
    caption: languages.length
      ? `Messages by language: ${languages
          .map((c) => `${languageName(c.key)} ${number(c.in)} in, ${number(c.out)} out`)
          .join('; ')}.`
      : 'No messages in this period.',
    column: 'Language',
    labels: languages.map((c) => languageName(c.key)),
    datasets: [
      { label: 'In', data: languages.map((c) => c.in), color: COLORS.in },
      { label: 'Out', data: languages.map((c) => c.out), color: COLORS.out },
    ],
  });

  const { waiting } = report;
  draw('waiting', {
    label: 'Time citizens waited for an operator',
    caption:
      `Time citizens waited for an operator (tickets taken: ${number(waiting.claimed)}, never taken: ` +
      `${number(waiting.unclaimed)}): median ${duration(waiting.p50Seconds)}, ` +
      `95th percentile ${duration(waiting.p95Seconds)}.`,
    column: 'Wait',
    labels: waiting.histogram.map((bucket) => bucket.label),
    datasets: [{ label: 'Tickets', data: waiting.histogram.map((b) => b.count), color: COLORS.waiting }],
  });
}

/** The hourly series, in local time, or summed per local day when it is longer than a week. */
function seriesOf(hourly) {
  const dayKey = (iso) => new Date(iso).toDateString();
  if (hourly.length <= MOST_HOURS) {
    const severalDays = hourly.length > 0 && dayKey(hourly[0].hourStart) !== dayKey(hourly.at(-1).hourStart);
    return {
      unit: 'hour',
      points: hourly.map((point) => ({ ...point, label: hourLabel(point.hourStart, severalDays) })),
    };
  }
  const days = new Map();
  for (const point of hourly) {
    const key = dayKey(point.hourStart);
    const total = days.get(key) ?? {
      label: new Date(point.hourStart).toLocaleDateString(undefined, { day: 'numeric', month: 'short' }),
      in: 0,
      out: 0,
      bot: 0,
      people: 0,
      unanswered: 0,
    };
    for (const field of ['in', 'out', 'bot', 'people', 'unanswered']) total[field] += point[field];
    days.set(key, total);
  }
  return { unit: 'day', points: [...days.values()] };
}

function draw(name, { label, caption, column, labels, datasets, stacked = false }) {
  charts.get(name)?.destroy();
  const canvas = $(`chart-${name}`);
  canvas.setAttribute('aria-label', label);
  $(`chart-${name}-caption`).textContent = caption;
  const chart = new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: datasets.map((set) => ({
        label: set.label,
        data: set.data,
        backgroundColor: set.color,
        borderColor: set.color,
      })),
    },
    options: {
      // No animation: the figures show at once, and screenshots and print are what they will be.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        title: { display: true, text: label, align: 'start', font: { size: 13, weight: 'bold' } },
        legend: { position: 'bottom', display: datasets.length > 1 },
      },
      scales: {
        x: { stacked },
        y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  });
  charts.set(name, chart);
  dataTable($(`chart-${name}-data`), label, column, labels, datasets);
}

function dataTable(table, caption, column, labels, datasets) {
  const head = el('tr');
  head.append(el('th', '', column), ...datasets.map((set) => el('th', '', set.label)));
  for (const cell of head.children) cell.scope = 'col';
  const rows = labels.map((label, index) => {
    const row = el('tr');
    const name = el('th', '', label);
    name.scope = 'row';
    row.append(name, ...datasets.map((set) => el('td', '', number(set.data[index]))));
    return row;
  });
  const body = el('tbody');
  body.append(...rows);
  const thead = el('thead');
  thead.append(head);
  table.replaceChildren(el('caption', '', caption), thead, body);
}
