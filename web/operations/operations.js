// Operations view: live figures of the crises for supervisors, admins and authority users.
// Preact with htm (one vendored ES module, no build step); sign-in and session as the console's
// (web/shared/), the figures over server-sent events (admin/operationsRoutes.ts).

import { html, render, useEffect, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { attempt, mayUse, startSession } from '../shared/session.js';
import { $, showStatus } from '../shared/ui.js';
import { Charts } from './charts.js';
import { ExerciseNote, Overview, Queues } from './figures.js';
import { clock } from './format.js';
import { followFigures } from './stream.js';

const VIEWERS = ['supervisor', 'admin', 'authority'];
const CONNECTION = { open: 'Live', closed: 'Reconnecting…', connecting: 'Connecting…' };

function CrisisChoice({ crises, exercises, value, onChange }) {
  return html`
    <label for="crisis-choice">Crisis</label>
    <select id="crisis-choice" value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
      <option value="all">All real crises together</option>
      ${crises.map(
        (slug) =>
          html`<option value=${slug}>${exercises.includes(slug) ? `EXERCISE · ${slug}` : slug}</option>`,
      )}
    </select>
  `;
}

function App() {
  const [crisis, setCrisis] = useState('all');
  const [payload, setPayload] = useState(null);
  // Kept across a change of crisis, so the choice stays in the list while the new figures come.
  const [crises, setCrises] = useState([]);
  const [exercises, setExercises] = useState([]);
  const [connection, setConnection] = useState('connecting');

  useEffect(() => {
    setPayload(null);
    setConnection('connecting');
    const shown = (next) => {
      setPayload(next);
      setCrises(next.crises);
      setExercises(next.exercises);
    };
    return followFigures(crisis, shown, (next) => {
      setConnection(next);
      // The stream gives no status: ask once, so an ended session or a vanished crisis is said.
      if (next === 'closed')
        void attempt('Reconnecting', () =>
          api('GET', `/api/operations?crisis=${encodeURIComponent(crisis)}`),
        );
    });
  }, [crisis]);

  const figures = payload?.figures;
  return html`
    <div class="toolbar">
      <${CrisisChoice} crises=${crises} exercises=${exercises} value=${crisis} onChange=${setCrisis} />
      <span id="connection" class="connection" data-connection=${connection} role="status">
        ${CONNECTION[connection]}${figures ? `, figures of ${clock(figures.at)}` : ''}
      </span>
    </div>
    ${
      figures
        ? html`
            <${ExerciseNote} figures=${figures} exercises=${exercises} />
            <${Overview} figures=${figures} />
            <${Queues} figures=${figures} />
            <${Charts} series=${figures.series} />
          `
        : html`<p class="hint">Loading the figures…</p>`
    }
  `;
}

function enter(user) {
  const refusal =
    'This account has none of the supervisor, admin or authority roles: it cannot see operations.';
  if (!mayUse(user, VIEWERS, refusal)) return;
  showStatus(`Signed in as ${user.displayName ?? user.username}.`);
  $('operations-view').hidden = false;
  render(html`<${App} />`, $('operations-view'));
}

function leave() {
  render(null, $('operations-view'));
  $('operations-view').hidden = true;
}

startSession({ enter, leave });
