// The after-action report of an exercise (GET /api/reports/exercise/:slug): what happened when,
// what the bot answered, how long citizens waited per queue and language, how fast specialists took
// the victim inquiries, and what staff did. `?crisis=slug` names the exercise.

import { api } from '../shared/api.js';
import { attempt, startSession } from '../shared/session.js';
import { $, el, showStatus } from '../shared/ui.js';
import { dateTime, duration, languageName, number } from './format.js';

const slug = new window.URLSearchParams(window.location.search).get('crisis') ?? '';
const percent = (share) => `${Math.round(share * 1000) / 10} %`;
const when = (iso) => (iso ? dateTime(iso) : '—');

function table(caption, head, rows) {
  const element = el('table', 'data-table figure-table');
  const headRow = el('tr');
  for (const name of head) {
    const th = el('th', '', name);
    th.scope = 'col';
    headRow.append(th);
  }
  const thead = el('thead');
  thead.append(headRow);
  const body = el('tbody');
  for (const cells of rows) {
    const row = el('tr');
    cells.forEach((value, i) => {
      const cell = i === 0 ? el('th', '', String(value)) : el('td', 'num', String(value));
      if (i === 0) cell.scope = 'row';
      row.append(cell);
    });
    body.append(row);
  }
  element.append(el('caption', '', caption), thead, body);
  return element;
}

function render(report) {
  const { timeline: t, messages: m, d2Intakes: d2 } = report;
  $('after-action-heading').textContent = `Exercise ${report.slug}`;
  $('after-action-csv').href = `/api/reports/exercise/${encodeURIComponent(report.slug)}/csv`;
  $('after-action-figures').replaceChildren(
    table(
      'Timeline',
      ['Moment', 'When'],
      [
        ['Activated', when(t.activatedAt)],
        ['First answer', when(t.firstAnswerAt)],
        ['First handoff', when(t.firstHandoffAt)],
        [
          'Busiest minute',
          t.busiestMinute ? `${when(t.busiestMinute.at)} (${t.busiestMinute.messagesIn} in)` : '—',
        ],
        [
          'Most waiting at once',
          t.mostWaiting ? `${when(t.mostWaiting.at)} (${t.mostWaiting.tickets})` : '—',
        ],
        ['Ended', when(t.deactivatedAt)],
      ],
    ),
    table(
      `Messages from citizens (${number(report.conversations)} conversations)`,
      ['What the bot did', 'Messages', 'Share'],
      [
        ['Answered', number(m.answered), percent(m.shares.answered)],
        ['Clarified (choices or rephrase)', number(m.clarified), percent(m.shares.clarified)],
        ['Handed to people', number(m.handedToPeople), percent(m.shares.handedToPeople)],
        ['No reply', number(m.unanswered), percent(m.shares.unanswered)],
        ['Other (greeting, language, information)', number(m.other), ''],
        ['All', number(m.in), ''],
        ['Questions the bot could not answer', number(report.unansweredQuestions), ''],
      ],
    ),
    table(
      'Waiting for a person, per queue and language',
      ['Queue', 'Taken', 'Never taken', 'p50', 'p90'],
      report.waits.map((w) => [
        `${w.queue.toUpperCase()} ${languageName(w.lang)}`,
        number(w.count),
        number(w.unclaimed),
        duration(w.p50Seconds),
        duration(w.p90Seconds),
      ]),
    ),
    table(
      'Victim inquiries (D2 intakes)',
      ['Intakes', 'Taken by a specialist', 'p50 to claim', 'p90 to claim'],
      [[number(d2.opened), number(d2.claimed), duration(d2.p50Seconds), duration(d2.p90Seconds)]],
    ),
    table(
      'Staff',
      ['Staff member', 'Claims', 'Closed', 'Audited actions'],
      report.operators.map((o) => [
        o.id,
        number(o.claims),
        number(o.closes),
        Object.entries(o.actions)
          .map(([action, count]) => `${action} ${count}`)
          .join(', ') || '—',
      ]),
    ),
  );
}

async function enter() {
  $('after-action-view').hidden = false;
  if (!/^[a-z0-9-]{3,64}$/.test(slug)) {
    showStatus('No exercise named: open this page from an exercise’s cost report.', 'error');
    return;
  }
  const report = await attempt('Loading the after-action report', () =>
    api('GET', `/api/reports/exercise/${encodeURIComponent(slug)}`),
  );
  if (report) {
    render(report);
    showStatus('');
  }
}

function leave() {
  $('after-action-view').hidden = true;
}

startSession({ enter, leave });
