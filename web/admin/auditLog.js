// The audit log with filters: who, which action, on what, allowed or refused, and when. The
// actions to filter by are the ones the log holds, as the server lists them.

import { html, useEffect, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { formatTime } from './forms.js';

const PAGE = 100;

/** A local date-time field's value as an ISO instant, or nothing. */
const instant = (value) => (value ? new Date(value).toISOString() : undefined);

function queryOf(form, to) {
  const fields = {
    actor: form.elements.actor.value,
    action: form.elements.action.value,
    target: form.elements.target.value.trim(),
    outcome: form.elements.outcome.value,
    from: instant(form.elements.from.value),
    to: to ?? instant(form.elements.to.value),
    limit: String(PAGE),
  };
  return new window.URLSearchParams(Object.entries(fields).filter(([, value]) => value));
}

// Built as one string: htm drops the whitespace between expressions on separate lines.
function countText({ entries, more }) {
  return `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}${more ? ', older ones exist' : ''}`;
}

export function AuditLog({ users }) {
  const [result, setResult] = useState(null);
  const [actions, setActions] = useState([]);
  const [busy, setBusy] = useState(false);

  const load = async (form, older) => {
    setBusy(true);
    // Just before the oldest entry shown: `to` includes its bound.
    const last = older ? new Date(Date.parse(result.entries.at(-1).at) - 1).toISOString() : undefined;
    const found = await attempt('Loading the audit log', () =>
      api('GET', `/api/audit?${queryOf(form, last)}`),
    );
    setBusy(false);
    if (!found) return;
    setActions(found.actions);
    setResult(older ? { ...found, entries: [...result.entries, ...found.entries] } : found);
  };
  useEffect(() => {
    void load(document.getElementById('audit-filters'), false);
  }, []);

  const filter = (event) => {
    event.preventDefault();
    void load(event.currentTarget, false);
  };
  const names = new Map(users.map((u) => [u.id, u.username]));

  return html`<section class="card stack" aria-labelledby="audit-heading">
    <h2 id="audit-heading">Audit log</h2>
    <form id="audit-filters" class="filters" onSubmit=${filter} aria-label="Filters">
      <div class="field">
        <label for="audit-actor">Who</label>
        <select id="audit-actor" name="actor">
          <option value="">Anyone</option>
          ${users.map((u) => html`<option key=${u.id} value=${u.id}>${u.username}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="audit-action">Action</label>
        <select id="audit-action" name="action">
          <option value="">Any</option>
          ${actions.map((a) => html`<option key=${a} value=${a}>${a}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="audit-target">On (exact, e.g. user:… or crisis:…)</label>
        <input id="audit-target" name="target" />
      </div>
      <div class="field">
        <label for="audit-outcome">Outcome</label>
        <select id="audit-outcome" name="outcome">
          <option value="">Any</option>
          <option value="allowed">Allowed</option>
          <option value="refused">Refused</option>
        </select>
      </div>
      <div class="field">
        <label for="audit-from">From</label>
        <input id="audit-from" name="from" type="datetime-local" />
      </div>
      <div class="field">
        <label for="audit-to">To</label>
        <input id="audit-to" name="to" type="datetime-local" />
      </div>
      <div class="actions"><button type="submit" disabled=${busy}>Filter</button></div>
    </form>
    ${result && html`<p id="audit-count" class="hint" aria-live="polite">${countText(result)}</p>`}
    ${
      result?.entries.length > 0 &&
      html`<table class="audit-table">
        <caption class="visually-hidden">
          Audit entries, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">On</th>
            <th scope="col">Outcome</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          ${result.entries.map(
            (e, i) =>
              html`<tr key=${`${e.at}-${i}`}>
                <td data-label="When">${formatTime(e.at)}</td>
                <td data-label="Who">
                  ${e.actorName ?? names.get(e.actor) ?? e.actor} (${e.roles.join(', ')})
                </td>
                <td data-label="Action">${e.action}</td>
                <td data-label="On">${e.target}</td>
                <td data-label="Outcome" class=${`outcome-${e.outcome}`}>${e.outcome}</td>
                <td data-label="Details">${e.details ? JSON.stringify(e.details) : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    }
    ${
      result?.more &&
      html`<div class="actions">
        <button
          type="button"
          class="secondary"
          disabled=${busy}
          onClick=${() => load(document.getElementById('audit-filters'), true)}
        >
          Older entries
        </button>
      </div>`
    }
  </section>`;
}
