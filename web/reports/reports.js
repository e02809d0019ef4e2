// Cost reports: a plain browser module, no build step. Reads the report API (admin/reportRoutes.ts)
// with the shared sign-in; same-origin requests carry the HttpOnly session cookie, which is also
// what authenticates the CSV links. Data from the API only ever reaches the page through
// textContent, and styles only come from the style sheets (the CSP allows nothing inline).

import { api } from '../shared/api.js';
import { attempt, mayUse, startSession } from '../shared/session.js';
import { $, button, el, setBusy, showStatus } from '../shared/ui.js';
import { clearCharts, renderCharts } from './charts.js';
import { dateTime, day, dayValue, euros, periodOfDays, timeZone } from './format.js';
import { renderCosts, renderFigures, renderWarnings } from './reportView.js';
import { hideTariffs, setUpTariffs, showTariffs } from './tariffs.js';

const READERS = ['admin', 'authority'];

const state = {
  user: null,
  crises: [],
  authorities: [],
  /** What the report pane shows: `{request}` for a report built now, `{issued}` for an issued one. */
  shown: null,
};

const isAdmin = () => state.user?.roles.includes('admin') ?? false;

// ---------------------------------------------------------------- API paths

/** The report of a request, or one of its variants (`/csv`). */
function reportPath(request, suffix = '') {
  if (request.scope === 'activation') {
    return `/api/reports/activation/${encodeURIComponent(request.slug)}${suffix}`;
  }
  const query = new window.URLSearchParams({ from: request.from, to: request.to });
  return `/api/reports/authority/${encodeURIComponent(request.nis)}${suffix}?${query}`;
}

const issuedPath = (id, suffix = '') => `/api/reports/issued/${encodeURIComponent(id)}${suffix}`;

// ---------------------------------------------------------------- names

function crisisTitle(slug) {
  const crisis = state.crises.find((c) => c.slug === slug);
  if (!crisis) return slug;
  const title = crisis.title ?? {};
  const lang = state.user?.languages?.find((l) => title[l]) ?? (title.en ? 'en' : Object.keys(title)[0]);
  return title[lang] || slug;
}

function authorityName(nis) {
  const authority = state.authorities.find((a) => a.nisCode === nis);
  return authority ? `${authority.name} (NIS ${nis})` : `Authority NIS ${nis}`;
}

const subjectName = (scope, subject) =>
  scope === 'activation' ? crisisTitle(subject) : authorityName(subject);

// ---------------------------------------------------------------- sign-in and session

async function enterReports(user) {
  state.user = user;
  const refusal = 'This account has neither the admin nor the authority role: it cannot see cost reports.';
  if (!mayUse(user, READERS, refusal)) return;
  $('reports-view').hidden = false;
  showStatus(`Signed in as ${user.displayName ?? user.username}.`);
  await loadChoices();
  await loadIssued();
  if (isAdmin()) await showTariffs(state.authorities);
}

function leaveReports() {
  Object.assign(state, { user: null, crises: [], authorities: [], shown: null });
  clearCharts();
  hideTariffs();
  $('reports-view').hidden = true;
  $('report-view').hidden = true;
  $('no-report').hidden = false;
  for (const id of ['activation-select', 'authority-select', 'issued-list']) $(id).replaceChildren();
  $('choose-form').elements.scope.value = 'activation';
  renderChoices();
}

// ---------------------------------------------------------------- choosing a report

async function loadChoices() {
  const [crises, authorities] = await Promise.all([
    attempt('Loading the activations', () => api('GET', '/api/crises')),
    attempt('Loading the authorities', () => api('GET', '/api/authorities')),
  ]);
  state.crises = crises?.crises ?? [];
  state.authorities = authorities?.authorities ?? [];

  const activations = $('activation-select');
  activations.replaceChildren(
    ...state.crises.map((crisis) => {
      const when = crisis.status === 'active' ? 'open' : `ended ${day(new Date(crisis.deactivatedAt))}`;
      const exercise = crisis.exercise ? 'EXERCISE · ' : '';
      return new Option(`${exercise}${crisisTitle(crisis.slug)} (${when})`, crisis.slug);
    }),
  );
  $('authority-select').replaceChildren(
    ...state.authorities.map((a) => new Option(`${a.name} (${a.nisCode})`, a.nisCode)),
  );
  // With no activation to choose, the period of the authority is what there is to report on.
  if (state.crises.length === 0) $('choose-form').elements.scope.value = 'authority';
  renderChoices();
}

/** Offers only what there is to choose (again after a request: a busy form enables every control). */
function renderChoices() {
  const noActivation = state.crises.length === 0;
  $('activation-select').disabled = noActivation;
  [...$('choose-form').elements.scope].find((radio) => radio.value === 'activation').disabled = noActivation;
  $('no-activations').hidden = !noActivation;
  $('authority-select').disabled = state.authorities.length === 0;
  renderScopeFields();
}

function renderScopeFields() {
  const scope = $('choose-form').elements.scope.value;
  $('activation-fields').hidden = scope !== 'activation';
  $('authority-fields').hidden = scope !== 'authority';
}

function setDefaultDays() {
  const today = new Date();
  $('first-day').value = dayValue(new Date(today.getFullYear(), today.getMonth(), 1));
  $('last-day').value = dayValue(today);
  $('time-zone-hint').textContent =
    `Whole days in your time zone (${timeZone()}), the last day included. ` +
    'Activations that ran during the period are counted for the part inside it.';
}

/** The request the form describes, or undefined (with the reason shown) when it is incomplete. */
function requestFrom(form) {
  const refuse = (reason) => {
    showStatus(reason, 'error');
    return undefined;
  };
  if (form.elements.scope.value === 'activation') {
    if (!form.slug.value) return refuse('Choose an activation.');
    return { scope: 'activation', slug: form.slug.value };
  }
  const first = form.firstDay.value;
  const last = form.lastDay.value;
  if (!form.nis.value) return refuse('Choose an authority.');
  if (!first || !last) return refuse('Give the first and the last day of the period.');
  if (last < first) return refuse('The last day comes before the first day.');
  return { scope: 'authority', nis: form.nis.value, ...periodOfDays(first, last) };
}

async function onChoose(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const request = requestFrom(form);
  if (!request) return;
  setBusy(form, true);
  try {
    const report = await attempt('Loading the report', () => api('GET', reportPath(request)));
    if (!report) return;
    state.shown = { request };
    renderReport(report, reportPath(request, '/csv'));
    showStatus(`Showing the report of ${subjectName(report.scope, report.subject)}.`);
    $('report-heading').focus();
  } finally {
    setBusy(form, false);
    renderChoices();
  }
}

// ---------------------------------------------------------------- the report

function activationsText(report) {
  const list = report.activations.map((a) => {
    const ended = a.deactivatedAt ? `, ended ${dateTime(a.deactivatedAt)}` : ', still open';
    return `${a.slug} (activated ${dateTime(a.activatedAt)}${ended})`;
  });
  if (report.scope === 'activation') {
    return `Activation ${list.join('')}${report.authorityNis ? ` of authority NIS ${report.authorityNis}` : ''}.`;
  }
  return list.length ? `Activations in the period: ${list.join('; ')}.` : 'No activation in this period.';
}

function renderReport(report, csvPath, issued) {
  $('no-report').hidden = true;
  $('report-view').hidden = false;
  $('report-view').dataset.issued = issued?.id ?? '';
  $('report-heading').textContent = subjectName(report.scope, report.subject);
  const { from, to, open } = report.period;
  $('report-period').textContent = open
    ? `From ${dateTime(from)}, up to now.`
    : `From ${dateTime(from)} to ${dateTime(to)}.`;
  $('open-badge').hidden = !open;
  // An exercise's report is never read as a real activation's; its after-action report is beside it.
  $('exercise-badge').hidden = !report.exercise;
  $('after-action-link').hidden = !report.exercise;
  if (report.exercise)
    $('after-action-link').href = `./after-action.html?crisis=${encodeURIComponent(report.subject)}`;
  $('report-activations').textContent = activationsText(report);
  $('report-as-of').textContent = issued
    ? `Issued report ${issued.id}, issued ${dateTime(issued.issuedAt)}` +
      `${issued.issuedBy === state.user.id ? ' by you' : ''}: its figures and prices no longer change.`
    : `Figures as of ${dateTime(new Date().toISOString())}` +
      `${open ? '; they grow while the period is open.' : '.'}`;
  $('csv-link').href = csvPath;
  $('issue-report').hidden = Boolean(issued);
  $('issue-result').hidden = true;
  renderWarnings(report);
  renderCosts(report);
  renderFigures(report);
  renderCharts(report);
  markShownIssued();
}

// ---------------------------------------------------------------- issued reports

async function onIssue() {
  const request = state.shown?.request;
  if (!request) return;
  const issueButton = $('issue-report');
  issueButton.disabled = true;
  try {
    const issued = await attempt('Issuing the report', () => api('POST', '/api/reports/issued', request));
    if (!issued) return;
    $('issue-text').textContent =
      `Issued as ${issued.id} on ${dateTime(issued.issuedAt)}, total ${euros(issued.report.totalCents)}. ` +
      'It keeps these figures and prices, whatever tariff comes later.';
    $('issue-result').dataset.id = issued.id;
    $('issue-result').hidden = false;
    showStatus(`Issued the report ${issued.id}.`);
    await loadIssued();
  } finally {
    issueButton.disabled = false;
  }
}

async function loadIssued() {
  const data = await attempt('Loading the issued reports', () => api('GET', '/api/reports/issued'));
  if (!data) return;
  $('issued-empty').hidden = data.reports.length > 0;
  $('issued-list').replaceChildren(
    ...data.reports.map((item) => {
      const entry = el('li');
      entry.dataset.id = item.id;
      const period =
        item.scope === 'authority' ? `, ${dateTime(item.from)} – ${dateTime(item.to)}` : ' (activation)';
      entry.append(
        button(item.id, 'link-button', () => showIssued(item.id)),
        el('span', 'hint', `${subjectName(item.scope, item.subject)}${period}`),
        el('span', 'hint', `${euros(item.totalCents)} · issued ${dateTime(item.issuedAt)}`),
      );
      return entry;
    }),
  );
  markShownIssued();
}

async function showIssued(id) {
  const issued = await attempt('Opening the issued report', () => api('GET', issuedPath(id)));
  if (!issued) return;
  state.shown = { issued };
  renderReport(issued.report, issuedPath(id, '/csv'), issued);
  showStatus(`Showing the issued report ${id} (read-only).`);
  $('report-heading').focus();
}

function markShownIssued() {
  const shownId = state.shown?.issued?.id;
  for (const item of $('issued-list').children) {
    const open = item.querySelector('button');
    if (item.dataset.id === shownId) open.setAttribute('aria-current', 'true');
    else open.removeAttribute('aria-current');
  }
}

// ---------------------------------------------------------------- wiring

$('choose-form').addEventListener('submit', onChoose);
for (const radio of $('choose-form').elements.scope) radio.addEventListener('change', renderScopeFields);
$('issue-report').addEventListener('click', onIssue);
$('open-issued').addEventListener('click', () => showIssued($('issue-result').dataset.id));
$('print-report').addEventListener('click', () => window.print());
setUpTariffs();
setDefaultDays();
startSession({ enter: enterReports, leave: leaveReports });
