// The crises the user may edit: the picker, and the chosen crisis's status and live version.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, showStatus } from '../shared/ui.js';
import { localized, state } from './state.js';

/** Fills the picker; resolves to the crisis to open (the page address's, if the user may edit it). */
export async function loadCrises() {
  const data = await attempt('Loading the crises', () => api('GET', '/api/crises'));
  if (!data) return;
  state.crises = data.crises ?? [];
  const select = $('crisis-select');
  select.replaceChildren(
    ...state.crises.map((crisis) => {
      const title = localized(crisis.title, state.user.languages?.[0]) || crisis.slug;
      const ended = crisis.status === 'inactive' ? ' (ended)' : '';
      const exercise = crisis.exercise ? 'EXERCISE · ' : '';
      return new Option(`${exercise}${title}${ended}`, crisis.slug);
    }),
  );
  $('crisis-picker').hidden = state.crises.length === 0;
  if (state.crises.length === 0) {
    showStatus('There is no crisis of your authority to edit.', 'error');
    return;
  }
  const wanted = new window.URLSearchParams(window.location.search).get('crisis');
  const known = state.crises.some((crisis) => crisis.slug === wanted);
  const slug = known ? wanted : state.crises[0].slug;
  if (wanted && !known)
    showStatus(`There is no crisis “${wanted}” you may edit; showing another one.`, 'error');
  return slug;
}

export function renderCrisisMeta() {
  const crisis = state.crises.find((c) => c.slug === state.slug);
  $('crisis-meta').textContent = crisis
    ? `${crisis.exercise ? 'EXERCISE · ' : ''}${crisis.status === 'active' ? 'Active' : 'Ended'} · live version ${crisis.liveVersion}`
    : '';
}

export async function refreshCrises() {
  const data = await attempt('Loading the crises', () => api('GET', '/api/crises'));
  if (!data) return;
  state.crises = data.crises ?? [];
  renderCrisisMeta();
}
