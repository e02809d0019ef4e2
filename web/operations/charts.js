// Small charts of the last hours. Chart.js is the reports page's copy (window.Chart, a classic
// script loaded first). Each canvas is an image labelled by its summary, and a visually hidden
// table gives screen readers the same numbers.

import { html, useEffect, useRef } from '/shared/vendor/preact-htm.js';
import { clock, number } from './format.js';

const COLORS = ['#1a5fb4', '#c25e00', '#26734d'];

/** One chart: `series` is [{label, data}], `labels` the bucket ends; `summary` says it in words. */
export function SmallChart({ id, title, summary, labels, series }) {
  const canvas = useRef(null);
  const chart = useRef(null);

  useEffect(() => {
    const data = {
      labels: labels.map(clock),
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length],
        pointRadius: 0,
        borderWidth: 2,
      })),
    };
    if (chart.current) {
      chart.current.data = data;
      chart.current.update('none');
      return;
    }
    chart.current = new window.Chart(canvas.current, {
      type: 'line',
      data,
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: series.length > 1 } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 6 } } },
      },
    });
  }, [labels, series]);

  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );

  return html`
    <figure class="card chart" aria-labelledby=${`${id}-title`}>
      <h3 id=${`${id}-title`}>${title}</h3>
      <div class="chart-box">
        <canvas ref=${canvas} role="img" aria-label=${summary}></canvas>
      </div>
      <figcaption class="hint">${summary}</figcaption>
      <table class="visually-hidden">
        <caption>
          ${title}
        </caption>
        <thead>
          <tr>
            <th scope="col">Until</th>
            ${series.map((s) => html`<th scope="col">${s.label}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${labels.map(
            (label, i) => html`
              <tr>
                <th scope="row">${clock(label)}</th>
                ${series.map((s) => html`<td>${number(s.data[i])}</td>`)}
              </tr>
            `,
          )}
        </tbody>
      </table>
    </figure>
  `;
}

/** The view's charts from the figures' series. */
export function Charts({ series }) {
  const total = series.messages.reduce((a, b) => a + b, 0);
  const busiest = series.messages.indexOf(Math.max(...series.messages));
  const last = series.ends.length - 1;
  const peak = (list) => Math.max(0, ...list);
  const hours = (series.ends.length * series.bucketMinutes) / 60;
  return html`
    <section class="charts" aria-labelledby="charts-heading">
      <h2 id="charts-heading">Last ${hours} hours</h2>
      <div class="chart-grid">
        <${SmallChart}
          id="chart-messages"
          title=${`Citizens' messages per ${series.bucketMinutes} minutes`}
          summary=${
            total === 0
              ? `No messages from citizens in the last ${hours} hours.`
              : `${number(total)} messages in the last ${hours} hours; the busiest ${series.bucketMinutes} minutes ended at ${clock(series.ends[busiest])} with ${number(series.messages[busiest])}; the last had ${number(series.messages[last])}.`
          }
          labels=${series.ends}
          series=${[{ label: 'Messages', data: series.messages }]}
        />
        <${SmallChart}
          id="chart-waiting"
          title="Tickets waiting"
          summary=${`Tickets waiting now: ${number(series.waiting.d5[last])} D5 and ${number(series.waiting.d2[last])} D2; at most ${number(peak(series.waiting.d5))} D5 and ${number(peak(series.waiting.d2))} D2 in the last ${hours} hours.`}
          labels=${series.ends}
          series=${[
            { label: 'D5', data: series.waiting.d5 },
            { label: 'D2', data: series.waiting.d2 },
          ]}
        />
      </div>
    </section>
  `;
}
