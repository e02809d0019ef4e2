// The authority's crisis services: status, the citizen link and its QR code to publish, and
// ending a service after a confirmation.

import { html, useEffect, useRef, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { languageName, localized } from '../shared/languages.js';
import { QrCode } from '../shared/qr.js';
import { showStatus } from '../shared/ui.js';
import { CodeCovered, CodeField } from './codeField.js';
import { ExerciseBadge } from './exerciseBadge.js';
import { attemptWithCode } from './freshness.js';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const citizenLink = (slug) => `${window.location.origin}/?crisis=${encodeURIComponent(slug)}`;

function CitizenLink({ crisis, title }) {
  const link = citizenLink(crisis.slug);
  const copy = async () => {
    try {
      await window.navigator.clipboard.writeText(link);
      showStatus('Link copied.');
    } catch {
      showStatus('Copying is not allowed here: select the link and copy it.', 'error');
    }
  };
  return html`<div class="stack">
    <p>Citizen link: <a class="citizen-link" href=${link} target="_blank" rel="noopener">${link}</a></p>
    <div class="actions"><button type="button" class="secondary" onClick=${copy}>Copy link</button></div>
    <${QrCode} text=${link} label=${`QR code of the citizen link for ${title}`} />
    <p class="hint">Publish the link and the QR code on your website and social media.</p>
  </div>`;
}

function EndService({ crisis, title, codeNeeded, onCodeNeeded, onEnded, onCancel }) {
  const [busy, setBusy] = useState(false);
  const heading = useRef(null);
  useEffect(() => heading.current?.focus(), []);
  const end = async (event) => {
    event.preventDefault();
    const body = codeNeeded ? { totp: event.currentTarget.elements.code.value.trim() } : {};
    setBusy(true);
    const ended = await attemptWithCode(
      'Ending the service',
      () => api('POST', `/api/crises/${encodeURIComponent(crisis.slug)}/deactivate`, body),
      onCodeNeeded,
    );
    setBusy(false);
    if (ended) {
      showStatus(`Ended: ${title}.`, 'ok');
      await onEnded();
    }
  };
  const id = `end-${crisis.slug}`;
  return html`<form class="card confirm stack" aria-labelledby=${`${id}-heading`} onSubmit=${end}>
    <h4 id=${`${id}-heading`} ref=${heading} tabindex="-1">End ${title}?</h4>
    <p>
      Citizens are told the service has ended and given the info number; conversations waiting for or with an
      operator are closed. This cannot be undone.
    </p>
    ${codeNeeded ? html`<${CodeField} id=${`${id}-code`} disabled=${busy} />` : html`<${CodeCovered} />`}
    <div class="actions">
      <button type="submit" class="danger" disabled=${busy}>End the service</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}

function CrisisCard({ crisis, fresh, canAct, codeNeeded, onCodeNeeded, onChanged }) {
  const [ending, setEnding] = useState(false);
  const heading = useRef(null);
  const title = localized(crisis.title, crisis.languages) || crisis.slug;
  const active = crisis.status === 'active';
  useEffect(() => {
    if (fresh) heading.current?.focus();
  }, [fresh]);
  const cancel = () => {
    setEnding(false);
    heading.current?.focus();
  };
  return html`<li
    class="card stack"
    data-slug=${crisis.slug}
    data-exercise=${crisis.exercise ? 'true' : 'false'}
  >
    <div class="row-head">
      <h3 ref=${heading} tabindex="-1">${crisis.exercise && html`<${ExerciseBadge} /> `}${title}</h3>
      <span class=${`state-${crisis.status}`}>${active ? 'Active' : 'Ended'}</span>
    </div>
    <dl class="summary">
      <dt>Languages</dt>
      <dd>${crisis.languages.map(languageName).join(', ')}</dd>
      <dt>Info number</dt>
      <dd>${crisis.infoNumber}</dd>
      <dt>Activated</dt>
      <dd>${when.format(new Date(crisis.activatedAt))}</dd>
      ${
        crisis.deactivatedAt &&
        html`<dt>Ended</dt>
          <dd>${when.format(new Date(crisis.deactivatedAt))}</dd>`
      }
    </dl>
    ${active && html`<${CitizenLink} crisis=${crisis} title=${title} />`}
    ${
      active &&
      canAct &&
      (ending
        ? html`<${EndService}
            crisis=${crisis}
            title=${title}
            codeNeeded=${codeNeeded}
            onCodeNeeded=${onCodeNeeded}
            onEnded=${onChanged}
            onCancel=${cancel}
          />`
        : html`<div class="actions">
            <button type="button" class="danger" onClick=${() => setEnding(true)}>End this service…</button>
          </div>`)
    }
  </li>`;
}

export function CrisisList({ crises, fresh, canAct, codeNeeded, onCodeNeeded, onChanged }) {
  return html`<section aria-labelledby="crises-heading" class="stack">
    <h2 id="crises-heading">Your crisis services</h2>
    ${crises === null && html`<p class="hint">Loading…</p>`}
    ${crises?.length === 0 && html`<p class="hint">None yet.</p>`}
    <ul class="rows">
      ${(crises ?? []).map(
        (c) =>
          html`<${CrisisCard}
            key=${c.slug}
            crisis=${c}
            fresh=${c.slug === fresh}
            canAct=${canAct}
            codeNeeded=${codeNeeded}
            onCodeNeeded=${onCodeNeeded}
            onChanged=${onChanged}
          />`,
      )}
    </ul>
  </section>`;
}
