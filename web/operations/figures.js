// The operations view's figures: the conversations, what the bot did, the queues with their
// staffing advice, and the D2 tickets. Everything from the API reaches the page as text. An
// exercise's figures carry the EXERCISE marker everywhere; "all together" never holds them.

import { html } from '/shared/vendor/preact-htm.js';
import { languageName } from '../shared/languages.js';
import { advice, duration, number, percent, queueName, rate } from './format.js';

const Marker = ({ figures }) => figures.exercise && html`<strong class="badge exercise">EXERCISE</strong> `;

/** Says whose figures these are when exercises run: a drill's own, or the real crises' without them. */
export function ExerciseNote({ figures, exercises }) {
  if (figures.exercise)
    return html`<p class="card exercise-note" role="note">
      <${Marker}
        figures=${figures}
      />${'The figures of an exercise (a drill), never counted with the real crises.'}
    </p>`;
  if (exercises.length === 0) return null;
  return html`<p class="hint exercise-note" role="note">
    ${`Exercises running (${exercises.join(', ')}) are not in these figures: choose one to see its own.`}
  </p>`;
}

function Figure({ label, value, id }) {
  return html`<div class="figure" data-figure=${id}>
    <dt>${label}</dt>
    <dd>${value}</dd>
  </div>`;
}

export function Overview({ figures }) {
  const { conversations, replies, d2 } = figures;
  return html`
    <section class="card" aria-labelledby="overview-heading">
      <h2 id="overview-heading"><${Marker} figures=${figures} />Now</h2>
      <dl class="figures">
        <${Figure}
          id="conversations-now"
          label="Conversations now (last 5 min)"
          value=${number(conversations.now)}
        />
        <${Figure}
          id="conversations-hour"
          label="Conversations in the last hour"
          value=${number(conversations.lastHour)}
        />
        <${Figure}
          id="messages-per-minute"
          label="Messages a minute"
          value=${rate(figures.messagesPerMinute)}
        />
        <${Figure} id="d2-open" label="D2 tickets open" value=${number(d2.open)} />
        <${Figure} id="d2-oldest" label="Oldest D2 ticket" value=${duration(d2.oldestAgeSeconds)} />
        <${Figure} id="d2-median" label="Median D2 ticket age" value=${duration(d2.medianAgeSeconds)} />
      </dl>
      <h3 id="replies-heading">The bot's replies in the last hour (${number(replies.total)} messages)</h3>
      <dl class="figures" aria-labelledby="replies-heading">
        <${Figure} id="answered" label="Answered" value=${percent(replies.answered, replies.total)} />
        <${Figure} id="clarified" label="Clarified" value=${percent(replies.clarified, replies.total)} />
        <${Figure} id="unanswered" label="Unanswered" value=${percent(replies.unanswered, replies.total)} />
        <${Figure} id="handed-over" label="Handed over" value=${percent(replies.handedOver, replies.total)} />
      </dl>
    </section>
  `;
}

function QueueRow({ row, figures }) {
  const s = row.staffing;
  const inputs =
    `${rate(s.arrivalsPerHour)} tickets an hour, ${duration(s.handleSeconds)} handling` +
    `${row.handled ? '' : ' (assumed)'}, ${rate(s.trafficErlangs)} erlangs: ${number(s.operatorsNeeded)} needed`;
  return html`
    <tr role="row" data-queue=${row.queue} data-lang=${row.lang}>
      <th scope="row" role="rowheader">
        <${Marker} figures=${figures} />${queueName(row.queue)}, ${languageName(row.lang)}
      </th>
      <td role="cell" data-col="waiting" data-label="Waiting">${number(row.waiting)}</td>
      <td role="cell" data-col="oldest" data-label="Oldest wait">${duration(row.oldestWaitSeconds)}</td>
      <td role="cell" data-col="median" data-label="Median wait">${duration(row.medianWaitSeconds)}</td>
      <td role="cell" data-col="p90" data-label="90th percentile">${duration(row.p90WaitSeconds)}</td>
      <td role="cell" data-col="online" data-label="Online">${number(row.operatorsOnline)}</td>
      <td role="cell" data-col="busy" data-label="Busy">${number(row.operatorsBusy)}</td>
      <td role="cell" data-col="load" data-label="Load">${row.load === null ? '—' : percent(row.load, 1)}</td>
      <td role="cell" data-col="advice" data-label="Staffing advice" data-add=${s.add}>
        <strong>${advice(row)}</strong>
        <span class="hint inputs">${inputs}</span>
      </td>
    </tr>
  `;
}

export function Queues({ figures }) {
  const { settings } = figures;
  // One string: htm drops whitespace that spans lines, which would glue the words together.
  const note =
    'Waits of the tickets taken in the last 15 minutes. Advice: Erlang C for ' +
    `${Math.round(settings.serviceLevel * 100)} % of citizens taken within ${duration(settings.targetSeconds)}, ` +
    `from the tickets opened in the last ${settings.arrivalWindowMinutes} minutes, each operator holding ` +
    `${settings.capacity} conversations at once. Operators serve every crisis.`;
  return html`
    <section class="card" aria-labelledby="queues-heading">
      <h2 id="queues-heading"><${Marker} figures=${figures} />Queues</h2>
      <p class="hint" id="queues-note">${note}</p>
      <div class="table-scroll" tabindex="0" aria-labelledby="queues-heading">
        <table class="queues" role="table" aria-describedby="queues-note">
          <thead role="rowgroup">
            <tr role="row">
              <th scope="col" role="columnheader">Queue and language</th>
              <th scope="col" role="columnheader">Waiting</th>
              <th scope="col" role="columnheader">Oldest wait</th>
              <th scope="col" role="columnheader">Median wait</th>
              <th scope="col" role="columnheader">90th percentile</th>
              <th scope="col" role="columnheader">Online</th>
              <th scope="col" role="columnheader">Busy</th>
              <th scope="col" role="columnheader">Load</th>
              <th scope="col" role="columnheader">Staffing advice</th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            ${figures.queues.map((row) => html`<${QueueRow} key=${`${row.queue}-${row.lang}`} row=${row} figures=${figures} />`)}
          </tbody>
        </table>
      </div>
    </section>
  `;
}
