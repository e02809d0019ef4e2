// Content studio: a plain browser module, no build step. Contract: docs/studio-api.md (and the
// sign-in of docs/operator-api.md). Same-origin requests carry the HttpOnly session cookie, so a
// reload restores the session. Data from the API only ever reaches the page through textContent
// (no HTML from data), and styles only come from the style sheets (the CSP allows nothing inline).

import { api, ApiError } from '../shared/api.js';
import { attempt, reportFailure, startSession } from '../shared/session.js';
import { $, button, el, showStatus } from '../shared/ui.js';
import { langName, whileBusy } from './format.js';
import { wirePreview } from './preview.js';
import { closeUnanswered, openUnanswered } from './unanswered.js';

const EDITOR_ROLES = ['communicator', 'admin'];
const FIELDS = {
  question: 'Question',
  alternatives: 'Alternatives',
  answer: 'Answer',
  category: 'Category',
  links: 'Links',
  order: 'Position',
  title: 'Title',
  summary: 'Summary',
  infoNumber: 'Info number',
};
/** Bounds of docs/content-format.md, so the form refuses what the server would. */
const LIMITS = {
  question: 300,
  alternative: 300,
  answer: 4000,
  linkLabel: 200,
  links: 10,
  title: 200,
  summary: 2000,
};
const ID_PATTERN = /^[a-z0-9-]{1,64}$/;
/** The server's request size limit (docs/studio-api.md, import). */
const MAX_IMPORT_BYTES = 256 * 1024;

const state = {
  user: null,
  crises: [],
  slug: null,
  /** `{crisis, entries, changed}` of the chosen crisis. */
  draft: null,
  versions: [],
  /** What the workspace shows: 'none', 'entry', 'new', 'crisis', 'history' or 'unanswered'. */
  view: 'none',
  /** The entry open in the editor, as last read from the server (its revision is what a save sends). */
  loaded: null,
  dirty: false,
  /** The other person's entry (or crisis details) after a 409. */
  conflict: null,
  crisisConflict: null,
  selectedVersion: null,
  linkCounter: 0,
};

/** Each link row's link as loaded: labels in languages the crisis does not list are kept from it. */
const linkOriginals = new WeakMap();

// ---------------------------------------------------------------- API paths

const crisisPath = (suffix = '') => `/api/crises/${encodeURIComponent(state.slug)}${suffix}`;
const entryPath = (id) => crisisPath(`/draft/entries/${encodeURIComponent(id)}`);

// ---------------------------------------------------------------- formatting

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const when = (iso) => (iso ? dateTime.format(new Date(iso)) : 'an unknown time');
/** Authors may come as a name or as a user object, depending on the route. */
function personName(who) {
  if (!who) return 'someone';
  if (typeof who === 'string') return who;
  return who.displayName ?? who.username ?? who.id ?? 'someone';
}
function textOf(value) {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('\n');
  return JSON.stringify(value, null, 2);
}

const crisisLangs = () => state.draft?.crisis.languages ?? [];

/** The language lists are shown in: the user's first language the crisis has, else the crisis's first. */
function displayLang() {
  const langs = crisisLangs();
  return state.user?.languages?.find((lang) => langs.includes(lang)) ?? langs[0] ?? 'en';
}

function localized(texts, lang = displayLang()) {
  if (!texts) return '';
  return texts[lang] ?? Object.values(texts).find((text) => typeof text === 'string' && text) ?? '';
}

function sortedEntries() {
  return [...(state.draft?.entries ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

function findEntry(id) {
  return state.draft?.entries.find((entry) => entry.id === id);
}

// ---------------------------------------------------------------- sign-in and session

async function enterStudio(user) {
  state.user = user;
  $('user-name').textContent = user.displayName ?? user.username;
  $('signin-view').hidden = true;
  $('account').hidden = false;
  if (!user.roles.some((role) => EDITOR_ROLES.includes(role))) {
    showStatus(
      'This account has neither the communicator nor the admin role: it cannot edit content.',
      'error',
    );
    $('sign-out').focus();
    return;
  }
  $('studio-view').hidden = false;
  showStatus(`Signed in as ${user.displayName ?? user.username}.`);
  await loadCrises();
}

function leaveStudio(message, kind = 'info') {
  Object.assign(state, {
    user: null,
    crises: [],
    slug: null,
    draft: null,
    versions: [],
    view: 'none',
    loaded: null,
    dirty: false,
    conflict: null,
    crisisConflict: null,
    selectedVersion: null,
  });
  $('studio-view').hidden = true;
  $('account').hidden = true;
  $('crisis-picker').hidden = true;
  $('signin-view').hidden = false;
  $('entry-groups').replaceChildren();
  $('preview-result').hidden = true;
  $('publish-result').hidden = true;
  showWorkspace('none');
  showStatus(message, kind);
  $('username').focus();
}

// ---------------------------------------------------------------- crises

async function loadCrises() {
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
  await openCrisis(slug);
}

function renderCrisisMeta() {
  const crisis = state.crises.find((c) => c.slug === state.slug);
  $('crisis-meta').textContent = crisis
    ? `${crisis.exercise ? 'EXERCISE · ' : ''}${crisis.status === 'active' ? 'Active' : 'Ended'} · live version ${crisis.liveVersion}`
    : '';
}

async function onCrisisChosen(event) {
  const select = event.currentTarget;
  const slug = select.value;
  if (!(await mayDiscard())) {
    select.value = state.slug;
    return;
  }
  await openCrisis(slug);
}

async function openCrisis(slug) {
  state.slug = slug;
  $('crisis-select').value = slug;
  const url = new window.URL(window.location.href);
  url.searchParams.set('crisis', slug);
  window.history.replaceState(null, '', url);
  renderCrisisMeta();
  state.loaded = null;
  state.dirty = false;
  state.selectedVersion = null;
  $('preview-result').hidden = true;
  $('publish-result').hidden = true;
  showWorkspace('none');
  const loaded = await loadDraft();
  if (!loaded) return;
  preview.renderLanguages(crisisLangs());
  await loadVersions();
  if ($('status').dataset.kind !== 'error') {
    showStatus(`Editing the draft of “${localized(state.draft.crisis.title) || slug}”.`);
  }
}

async function refreshCrises() {
  const data = await attempt('Loading the crises', () => api('GET', '/api/crises'));
  if (!data) return;
  state.crises = data.crises ?? [];
  renderCrisisMeta();
}

// ---------------------------------------------------------------- draft and entry list

async function loadDraft() {
  const slug = state.slug;
  const draft = await attempt('Loading the draft', () => api('GET', crisisPath('/draft')));
  if (!draft || state.slug !== slug) return false;
  state.draft = draft;
  renderEntryList();
  renderDraftState();
  syncOpenEntry();
  return true;
}

function renderDraftState() {
  const badge = $('draft-state');
  const changed = Boolean(state.draft?.changed);
  badge.dataset.changed = String(changed);
  badge.textContent = changed ? 'Unpublished changes' : 'Same as live';
  // A confirmation of the last publication is stale once the draft moves on.
  if (changed) $('publish-result').hidden = true;
}

/** After the draft is read again: the open entry follows, unless the form holds unsaved text. */
function syncOpenEntry() {
  if (state.view !== 'entry' || !state.loaded) return;
  const fresh = findEntry(state.loaded.id);
  if (!fresh) {
    showStatus(`The entry “${state.loaded.id}” is no longer in the draft: someone deleted it.`, 'error');
    state.loaded = null;
    state.dirty = false;
    showWorkspace('none');
    return;
  }
  if (fresh.revision === state.loaded.revision) {
    state.loaded = fresh;
    renderEntryMeta();
    return;
  }
  if (!state.dirty) {
    state.loaded = fresh;
    fillEntryForm(fresh);
  } else if (sameContent(fresh, state.loaded)) {
    // Only its position changed (a reorder): the text the user is editing is still current.
    state.loaded = fresh;
    renderEntryMeta();
  }
}

function sameContent(a, b) {
  const pick = (e) => JSON.stringify([e.category, e.question, e.alternatives ?? {}, e.answer, e.links ?? []]);
  return pick(a) === pick(b);
}

function renderEntryList() {
  const container = $('entry-groups');
  const focusedId = document.activeElement?.closest?.('#entry-groups [data-entry-id]')?.dataset.entryId;
  const groups = new Map();
  for (const entry of sortedEntries()) {
    if (!groups.has(entry.category)) groups.set(entry.category, []);
    groups.get(entry.category).push(entry);
  }
  const sections = [...groups].map(([category, entries], index) => {
    const section = el('section', 'entry-group');
    const headingId = `group-${index}`;
    const heading = el('h3', 'group-heading', category);
    heading.id = headingId;
    section.setAttribute('aria-labelledby', headingId);
    const list = el('ul', 'entry-list');
    list.append(...entries.map(entryItem));
    section.append(heading, list);
    return section;
  });
  container.replaceChildren(...sections);
  $('entries-empty').hidden = (state.draft?.entries.length ?? 0) > 0;
  $('category-options').replaceChildren(...[...groups.keys()].map((category) => new Option(category)));
  if (focusedId) container.querySelector(`[data-entry-id="${CSS.escape(focusedId)}"] button`)?.focus();
}

function entryItem(entry) {
  const item = el('li', 'entry-item');
  item.dataset.entryId = entry.id;
  const open = state.view === 'entry' && state.loaded?.id === entry.id;
  const row = button('', 'entry-button', () => openEntry(entry.id));
  if (open) row.setAttribute('aria-current', 'true');
  row.append(
    el('span', 'entry-question', localized(entry.question) || entry.id),
    el('span', 'entry-id', entry.id),
  );
  const missing = entry.missing ?? [];
  if (missing.length > 0) {
    const flag = el(
      'span',
      'badge missing',
      `Missing ${missing.map((lang) => lang.toUpperCase()).join(', ')}`,
    );
    flag.title = `Missing translations: ${missing.map(langName).join(', ')}`;
    row.append(el('span', 'visually-hidden', ` (missing translations: ${missing.map(langName).join(', ')})`));
    row.append(flag);
    item.dataset.missing = missing.join(' ');
  }
  const machine = entry.machineDraft ?? [];
  if (machine.length > 0) {
    const flag = el(
      'span',
      'badge machine',
      `Machine ${machine.map((lang) => lang.toUpperCase()).join(', ')}`,
    );
    flag.title = `Machine translations to check: ${machine.map(langName).join(', ')}`;
    row.append(
      el('span', 'visually-hidden', ` (machine translations to check: ${machine.map(langName).join(', ')})`),
    );
    row.append(flag);
    item.dataset.machine = machine.join(' ');
  }
  item.append(row);
  return item;
}

// ---------------------------------------------------------------- workspace

function showWorkspace(view) {
  state.view = view;
  $('nothing-open').hidden = view !== 'none';
  $('entry-form').hidden = view !== 'entry' && view !== 'new';
  $('crisis-form').hidden = view !== 'crisis';
  $('history-view').hidden = view !== 'history';
  $('unanswered-view').hidden = view !== 'unanswered';
  if (view !== 'unanswered') closeUnanswered($('unanswered-view'));
  $('open-crisis').setAttribute('aria-pressed', String(view === 'crisis'));
  $('open-history').setAttribute('aria-pressed', String(view === 'history'));
  $('open-unanswered').setAttribute('aria-pressed', String(view === 'unanswered'));
  if (view !== 'entry' && view !== 'new') {
    state.conflict = null;
    $('conflict').hidden = true;
  }
  if (state.draft) renderEntryList();
}

/** Asks before unsaved text in the editor is thrown away. */
async function mayDiscard() {
  if (!state.dirty) return true;
  const name = state.view === 'crisis' ? 'the crisis details' : `“${state.loaded?.id ?? 'the new entry'}”`;
  const { ok } = await confirmAction({
    title: 'Discard unsaved changes?',
    text: `You have unsaved changes to ${name}. They will be lost.`,
    ok: 'Discard changes',
  });
  if (ok) state.dirty = false;
  return ok;
}

function markDirty() {
  state.dirty = true;
  $('entry-dirty').textContent = 'Unsaved changes';
}

function markClean() {
  state.dirty = false;
  $('entry-dirty').textContent = '';
}

// ---------------------------------------------------------------- entry editor

async function openEntry(id) {
  if (state.view === 'entry' && state.loaded?.id === id) {
    $('entry-heading').focus();
    return;
  }
  if (!(await mayDiscard())) return;
  const entry = findEntry(id);
  if (!entry) return;
  state.loaded = entry;
  state.conflict = null;
  showWorkspace('entry');
  fillEntryForm(entry);
  $('entry-groups')
    .querySelector(`[data-entry-id="${CSS.escape(id)}"]`)
    ?.scrollIntoView({ block: 'nearest' });
  $('entry-heading').focus();
}

async function newEntry() {
  if (!(await mayDiscard())) return;
  state.loaded = null;
  state.conflict = null;
  showWorkspace('new');
  fillEntryForm({
    id: '',
    category: '',
    question: {},
    alternatives: {},
    answer: {},
    links: [],
  });
  $('entry-id').focus();
}

function buildLanguageColumns(container, fields) {
  const langs = crisisLangs();
  container.dataset.cols = String(Math.min(langs.length, 4));
  container.replaceChildren(
    ...langs.map((lang) => {
      const column = el('fieldset', 'lang-col');
      column.dataset.lang = lang;
      const legend = el('legend', '', `${langName(lang)} `);
      legend.append(el('span', 'lang-code', lang.toUpperCase()));
      legend.append(el('span', 'badge missing lang-missing', 'Missing'));
      legend.append(el('span', 'badge machine lang-machine', 'Machine draft'));
      column.append(legend);
      for (const field of fields) {
        const id = `${field.key}-${lang}`;
        const label = el('label', '', field.label);
        label.htmlFor = id;
        label.append(el('span', 'visually-hidden', ` (${langName(lang)})`));
        if (field.hint) label.append(el('span', 'hint', ` · ${field.hint}`));
        const control = el(field.rows ? 'textarea' : 'input');
        control.id = id;
        control.name = id;
        control.dataset.field = field.key;
        control.dataset.lang = lang;
        control.lang = lang;
        if (field.rows) control.rows = field.rows;
        if (field.max) control.maxLength = field.max;
        column.append(label, control);
      }
      return column;
    }),
  );
}

const ENTRY_FIELDS = [
  { key: 'question', label: 'Question', rows: 3, max: LIMITS.question },
  { key: 'alternatives', label: 'Alternatives', hint: 'one per line', rows: 3 },
  { key: 'answer', label: 'Answer', rows: 7, max: LIMITS.answer },
];

function fillEntryForm(entry) {
  const isNew = state.view === 'new';
  $('entry-heading').textContent = isNew ? 'New entry' : entry.id;
  $('entry-id-field').hidden = !isNew;
  $('entry-id').value = entry.id ?? '';
  $('entry-category').value = entry.category ?? '';
  for (const id of ['move-up', 'move-down', 'delete-entry']) $(id).hidden = isNew;
  $('revert-entry').textContent = isNew ? 'Cancel' : 'Discard changes';
  $('save-entry').textContent = isNew ? 'Create entry' : 'Save entry';
  buildLanguageColumns($('entry-languages'), ENTRY_FIELDS);
  for (const lang of crisisLangs()) {
    $(`question-${lang}`).value = entry.question?.[lang] ?? '';
    $(`alternatives-${lang}`).value = (entry.alternatives?.[lang] ?? []).join('\n');
    $(`answer-${lang}`).value = entry.answer?.[lang] ?? '';
  }
  $('link-list').replaceChildren(...(entry.links ?? []).map(linkItem));
  renderLinkNumbers();
  renderMissing();
  renderEntryMeta();
  markClean();
  if (!state.conflict) $('conflict').hidden = true;
  $('load-theirs').hidden = false;
  $('conflict-hint').textContent = 'Nothing was overwritten. Your text is still in the form below.';
}

function renderEntryMeta() {
  const entry = state.loaded;
  renderMachineTools();
  if (state.view === 'new' || !entry) {
    $('entry-meta').textContent = 'Not saved yet. It joins the end of its category.';
    return;
  }
  const saved = entry.updatedAt
    ? ` · last saved by ${personName(entry.updatedBy)}, ${when(entry.updatedAt)}`
    : '';
  $('entry-meta').textContent = `Category ${entry.category} · revision ${entry.revision}${saved}`;
  const ordered = sortedEntries().filter((e) => e.category === entry.category);
  const index = ordered.findIndex((e) => e.id === entry.id);
  $('move-up').disabled = index <= 0;
  $('move-down').disabled = index < 0 || index === ordered.length - 1;
}

/**
 * Machine translation: the button to draft the missing languages (only when the server has a
 * language model), and, while machine drafts wait for a communicator, which ones and the approval.
 */
function renderMachineTools() {
  const entry = state.view === 'entry' ? state.loaded : null;
  const drafted = entry?.machineDraft ?? [];
  const canTranslate = Boolean(state.draft?.machineTranslation && entry?.missing?.length);
  $('translate-entry').hidden = !canTranslate;
  $('approve-translations').hidden = drafted.length === 0;
  $('machine-note').textContent =
    drafted.length > 0
      ? `Machine translation in ${drafted.map(langName).join(', ')}: check it, then edit and save or approve it as it is. The draft cannot be published before.`
      : '';
  $('machine-tools').hidden = !canTranslate && drafted.length === 0;
  for (const column of $('entry-languages').querySelectorAll('.lang-col')) {
    column.classList.toggle('is-machine', drafted.includes(column.dataset.lang));
  }
}

/** Sends a machine-translation action on the open entry and shows the entry the server returns. */
async function machineAction(path, what, done) {
  const entry = state.loaded;
  if (!entry) return;
  if (state.dirty) {
    showStatus('Save or discard your changes to this entry first.', 'error');
    return;
  }
  try {
    const saved = await whileBusy($('entry-form'), () =>
      api('POST', `${entryPath(entry.id)}${path}`, { revision: entry.revision }),
    );
    state.loaded = saved;
    await loadDraft();
    fillEntryForm(state.loaded);
    showStatus(done(saved));
  } catch (error) {
    if (isConflict(error)) showConflict(error.body.current);
    else reportFailure(what, error);
  }
}

const translateEntry = () =>
  machineAction(
    '/translate',
    'The machine translation',
    (saved) =>
      `Machine translations drafted in ${saved.machineDraft.map(langName).join(', ')}: check them before publishing.`,
  );
const approveTranslations = () =>
  machineAction('/approve', 'Approving', (saved) => `Machine translations of “${saved.id}” approved.`);

/** Flags the languages of the form with no question or no answer, as the server's `missing` does. */
function renderMissing() {
  for (const column of $('entry-languages').querySelectorAll('.lang-col')) {
    const lang = column.dataset.lang;
    const missing = !$(`question-${lang}`).value.trim() || !$(`answer-${lang}`).value.trim();
    column.classList.toggle('is-missing', missing);
  }
}

function linkItem(link) {
  const n = ++state.linkCounter;
  const item = el('li', 'link-item');
  const fieldset = el('fieldset', 'link-fields');
  const legend = el('legend', 'link-legend');
  fieldset.append(legend);
  const urlId = `link-${n}-url`;
  const urlLabel = el('label', '', 'Address');
  urlLabel.htmlFor = urlId;
  urlLabel.append(el('span', 'hint', ' (https://…)'));
  const url = el('input', 'link-url');
  url.id = urlId;
  url.type = 'url';
  url.maxLength = 2000;
  url.placeholder = 'https://';
  url.value = link.url ?? '';
  const urlRow = el('div', 'link-url-row');
  urlRow.append(urlLabel, url);
  urlRow.append(
    button('Remove link', 'secondary danger-text', () => {
      const next = item.nextElementSibling ?? item.previousElementSibling;
      item.remove();
      renderLinkNumbers();
      markDirty();
      (next?.querySelector('input') ?? $('add-link')).focus();
    }),
  );
  const labels = el('div', 'lang-grid link-labels');
  labels.dataset.cols = String(Math.min(crisisLangs().length, 4));
  for (const lang of crisisLangs()) {
    const id = `link-${n}-label-${lang}`;
    const cell = el('div', 'field');
    const label = el('label', '', `Label ${lang.toUpperCase()}`);
    label.htmlFor = id;
    label.append(el('span', 'visually-hidden', ` (${langName(lang)})`));
    const input = el('input', 'link-label');
    input.id = id;
    input.dataset.lang = lang;
    input.lang = lang;
    input.maxLength = LIMITS.linkLabel;
    input.value = link.label?.[lang] ?? '';
    cell.append(label, input);
    labels.append(cell);
  }
  fieldset.append(urlRow, labels);
  item.append(fieldset);
  linkOriginals.set(item, link);
  return item;
}

function renderLinkNumbers() {
  const items = [...$('link-list').children];
  items.forEach((item, index) => {
    item.querySelector('.link-legend').textContent = `Link ${index + 1}`;
  });
  $('add-link').disabled = items.length >= LIMITS.links;
}

function addLink() {
  const item = linkItem({ label: {}, url: '' });
  $('link-list').append(item);
  renderLinkNumbers();
  markDirty();
  item.querySelector('input').focus();
}

/** Reads the form. Texts in languages the crisis does not list are kept from the loaded entry. */
function collectEntry() {
  const base = state.loaded ?? {};
  const langs = crisisLangs();
  const keep = (texts) =>
    Object.fromEntries(Object.entries(texts ?? {}).filter(([lang]) => !langs.includes(lang)));
  const question = keep(base.question);
  const alternatives = keep(base.alternatives);
  const answer = keep(base.answer);
  for (const lang of langs) {
    // A question is one line, even when the box wrapped it or a paste brought line breaks.
    const q = $(`question-${lang}`)
      .value.replace(/\s*\n\s*/g, ' ')
      .trim();
    if (q) question[lang] = q;
    const alts = $(`alternatives-${lang}`)
      .value.split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (alts.length > 0) alternatives[lang] = alts;
    const a = $(`answer-${lang}`).value.trim();
    if (a) answer[lang] = a;
  }
  const links = [...$('link-list').children].map((item) => {
    const label = keep(linkOriginals.get(item)?.label);
    for (const input of item.querySelectorAll('.link-label')) {
      const text = input.value.trim();
      if (text) label[input.dataset.lang] = text;
    }
    return { label, url: item.querySelector('.link-url').value.trim() };
  });
  return { category: $('entry-category').value.trim(), question, alternatives, answer, links };
}

/** The problems the server would refuse anyway, found before sending. */
function entryProblems(entry, isNew, id) {
  const problems = [];
  if (isNew && !ID_PATTERN.test(id)) problems.push('Entry ID: 1-64 characters among a-z, 0-9 and -.');
  if (isNew && findEntry(id)) problems.push(`Entry ID: “${id}” exists already in this draft.`);
  if (!entry.category) problems.push('Category: required.');
  entry.links.forEach((link, index) => {
    if (!/^https:\/\/[^\s]+$/i.test(link.url))
      problems.push(`Link ${index + 1}: the address must start with https://.`);
    if (Object.keys(link.label).length === 0) problems.push(`Link ${index + 1}: give at least one label.`);
  });
  for (const lang of crisisLangs()) {
    const count = entry.alternatives[lang]?.length ?? 0;
    if (count > 20) problems.push(`Alternatives (${langName(lang)}): at most 20.`);
    if ((entry.alternatives[lang] ?? []).some((alt) => alt.length > LIMITS.alternative)) {
      problems.push(`Alternatives (${langName(lang)}): each at most ${LIMITS.alternative} characters.`);
    }
  }
  return problems;
}

async function onSaveEntry(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const isNew = state.view === 'new';
  const entry = collectEntry();
  const id = isNew ? $('entry-id').value.trim() : state.loaded.id;
  const problems = entryProblems(entry, isNew, id);
  if (problems.length > 0) {
    showStatus('The entry cannot be saved yet:', 'error', problems);
    return;
  }
  await whileBusy(form, () => saveEntry(isNew, id, entry));
  renderEntryMeta();
}

async function saveEntry(isNew, id, entry) {
  try {
    if (isNew) {
      const created = await api('POST', crisisPath('/draft/entries'), { id, ...entry });
      state.loaded = created;
      state.view = 'entry';
      markClean();
      await loadDraft();
      state.loaded = findEntry(created.id) ?? created;
      fillEntryForm(state.loaded);
      renderEntryList();
      showStatus(`Created the entry “${created.id}”. Publish to make it live.`);
      $('entry-heading').focus();
    } else {
      const saved = await api('PUT', entryPath(id), { id, ...entry, revision: state.loaded.revision });
      state.loaded = saved;
      state.conflict = null;
      $('conflict').hidden = true;
      markClean();
      await loadDraft();
      fillEntryForm(state.loaded);
      showStatus(`Saved “${saved.id}” (revision ${saved.revision}). Publish to make it live.`);
    }
  } catch (error) {
    if (!isNew && isConflict(error)) {
      showConflict(error.body.current);
    } else if (error instanceof ApiError && error.status === 409 && isNew) {
      showStatus(`An entry “${id}” exists already: choose another ID.`, 'error', error.details);
    } else {
      reportFailure('Saving the entry', error);
    }
  }
}

/** The 409 of a save or delete: `current` is what is stored now, null when someone deleted the entry. */
function isConflict(error) {
  return error instanceof ApiError && error.status === 409 && 'current' in error.body;
}

/**
 * Someone saved (or deleted) the entry since it was read: say who and when, keep the user's text
 * in the form and list it apart, and offer their version (or to create the entry again).
 */
function showConflict(current) {
  const id = state.loaded?.id;
  state.conflict = current ?? { deleted: true, id };
  const mine = collectEntry();
  const rows = [];
  if (current && mine.category !== current.category) rows.push(['Category', mine.category]);
  for (const lang of crisisLangs()) {
    for (const field of ['question', 'answer']) {
      const text = mine[field][lang] ?? '';
      if (text && text !== (current?.[field]?.[lang] ?? '')) {
        rows.push([`${FIELDS[field]} (${langName(lang)})`, text]);
      }
    }
    const alts = (mine.alternatives[lang] ?? []).join('\n');
    if (alts && alts !== (current?.alternatives?.[lang] ?? []).join('\n')) {
      rows.push([`Alternatives (${langName(lang)})`, alts]);
    }
  }
  $('conflict-fields').replaceChildren(
    ...rows.flatMap(([name, text]) => [el('dt', '', name), el('dd', '', text)]),
  );
  $('conflict-mine').hidden = rows.length === 0;
  $('load-theirs').hidden = false;
  $('conflict-hint').textContent = 'Nothing was overwritten. Your text is still in the form below.';
  if (current) {
    const who = personName(current.updatedBy);
    $('conflict-text').textContent =
      `Someone else saved this entry since you opened it: ${who}, ${when(current.updatedAt)}. ` +
      'Your changes were not saved.';
    $('load-theirs').textContent = 'Load their version';
    showStatus(`Not saved: ${who} saved “${current.id}” first.`, 'error');
  } else {
    $('conflict-text').textContent =
      'Someone else deleted this entry since you opened it. Your changes were not saved.';
    $('load-theirs').textContent = 'Create it again with my text';
    showStatus(`Not saved: someone else deleted “${id}”.`, 'error');
  }
  $('conflict').hidden = false;
  $('load-theirs').focus();
}

async function loadTheirs() {
  const current = state.conflict;
  if (!current) return;
  if (current.deleted) {
    await recreateEntry(current.id);
    return;
  }
  const mine = $('conflict-mine').hidden ? null : $('conflict-fields').cloneNode(true);
  state.loaded = current;
  state.conflict = null;
  fillEntryForm(current);
  await loadDraft();
  if (mine) {
    // Their version is in the form now; the user's text stays readable until they leave the entry.
    $('conflict-text').textContent = `Their version (revision ${current.revision}) is loaded.`;
    $('conflict-fields').replaceWith(mine);
    $('conflict-hint').textContent =
      'The form shows their version now; your text is listed here to copy from.';
    $('load-theirs').hidden = true;
    $('conflict').hidden = false;
  }
  showStatus(
    `Loaded the version ${personName(current.updatedBy)} saved. Make your changes again, then save.`,
  );
  $('entry-heading').focus();
}

/** After someone deleted the open entry: the user's text becomes a new entry with the same ID. */
async function recreateEntry(id) {
  const entry = collectEntry();
  const created = await attempt('Creating the entry again', () =>
    api('POST', crisisPath('/draft/entries'), { id, ...entry }),
  );
  if (!created) return;
  state.conflict = null;
  state.loaded = created;
  markClean();
  await loadDraft();
  state.loaded = findEntry(created.id) ?? created;
  fillEntryForm(state.loaded);
  showStatus(`Created “${created.id}” again with your text.`);
  $('entry-heading').focus();
}

function dismissConflict() {
  $('conflict').hidden = true;
  $('load-theirs').hidden = false;
  if (state.conflict) {
    showStatus(
      `Your text is kept, but it cannot be saved as it is: use “${$('load-theirs').textContent}”.`,
      'error',
    );
  }
  $('save-entry').focus();
}

async function revertEntry() {
  if (state.view === 'new') {
    if (!(await mayDiscard())) return;
    showWorkspace('none');
    $('new-entry').focus();
    return;
  }
  if (!(await mayDiscard())) return;
  fillEntryForm(state.loaded);
  showStatus('Changes discarded.');
}

async function deleteEntry() {
  const entry = state.loaded;
  if (!entry) return;
  const { ok } = await confirmAction({
    title: `Delete “${entry.id}”?`,
    text: 'The entry leaves the draft. Citizens keep getting it until the draft is published.',
    ok: 'Delete entry',
    danger: true,
  });
  if (!ok) return;
  try {
    await api('DELETE', `${entryPath(entry.id)}?revision=${encodeURIComponent(entry.revision)}`);
    state.loaded = null;
    markClean();
    showWorkspace('none');
    await loadDraft();
    showStatus(`Deleted “${entry.id}” from the draft.`);
    $('new-entry').focus();
  } catch (error) {
    if (isConflict(error)) showConflict(error.body.current);
    else reportFailure('Deleting the entry', error);
  }
}

async function moveEntry(step) {
  const entry = state.loaded;
  if (!entry) return;
  const ids = sortedEntries().map((e) => e.id);
  const from = ids.indexOf(entry.id);
  // Entries are shown by category: the move swaps it with its neighbour in the same category.
  let to = from + step;
  while (to >= 0 && to < ids.length && findEntry(ids[to]).category !== entry.category) to += step;
  if (from < 0 || to < 0 || to >= ids.length) return;
  [ids[from], ids[to]] = [ids[to], ids[from]];
  const data = await attempt('Moving the entry', () => api('PUT', crisisPath('/draft/order'), { ids }));
  if (!data) return;
  state.draft.entries = data.entries;
  state.draft.changed = true;
  renderDraftState();
  syncOpenEntry();
  renderEntryList();
  showStatus(`Moved “${entry.id}” ${step < 0 ? 'up' : 'down'}.`);
  const control = $(step < 0 ? 'move-up' : 'move-down');
  (control.disabled ? $(step < 0 ? 'move-down' : 'move-up') : control).focus();
}

// ---------------------------------------------------------------- crisis details

const CRISIS_FIELDS = [
  { key: 'title', label: 'Title', rows: 3, max: LIMITS.title },
  { key: 'summary', label: 'Summary', rows: 9, max: LIMITS.summary },
];

async function openCrisisDetails() {
  if (state.view === 'crisis') return;
  if (!(await mayDiscard())) return;
  state.loaded = null;
  showWorkspace('crisis');
  fillCrisisForm(state.draft.crisis);
  $('crisis-heading').focus();
}

function fillCrisisForm(crisis) {
  state.crisisConflict = null;
  $('crisis-conflict').hidden = true;
  buildLanguageColumns($('crisis-languages'), CRISIS_FIELDS);
  for (const lang of crisisLangs()) {
    $(`title-${lang}`).value = crisis.title?.[lang] ?? '';
    $(`summary-${lang}`).value = crisis.summary?.[lang] ?? '';
  }
  $('crisis-info-number').value = crisis.infoNumber ?? '';
  const saved = crisis.updatedAt
    ? ` · last saved by ${personName(crisis.updatedBy)}, ${when(crisis.updatedAt)}`
    : '';
  $('crisis-form-meta').textContent =
    `Languages: ${crisisLangs().map(langName).join(', ')} · revision ${crisis.revision}${saved}`;
  for (const column of $('crisis-languages').querySelectorAll('.lang-col'))
    column.classList.remove('is-missing');
  markClean();
}

async function onSaveCrisis(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const base = state.draft.crisis;
  const langs = crisisLangs();
  const keep = (texts) =>
    Object.fromEntries(Object.entries(texts ?? {}).filter(([lang]) => !langs.includes(lang)));
  const title = keep(base.title);
  const summary = keep(base.summary);
  for (const lang of langs) {
    const t = $(`title-${lang}`)
      .value.replace(/\s*\n\s*/g, ' ')
      .trim();
    if (t) title[lang] = t;
    const s = $(`summary-${lang}`).value.trim();
    if (s) summary[lang] = s;
  }
  const infoNumber = $('crisis-info-number').value.trim();
  const problems = [];
  if (Object.keys(title).length === 0) problems.push('Title: give at least one language.');
  if (!/^\+?[0-9][0-9 ./()-]{2,29}$/.test(infoNumber))
    problems.push('Info number: a phone number, e.g. +32 800 12 345.');
  if (problems.length > 0) {
    showStatus('The crisis details cannot be saved yet:', 'error', problems);
    return;
  }
  await whileBusy(form, () => saveCrisis({ title, summary, infoNumber, revision: base.revision }));
}

async function saveCrisis(body) {
  try {
    await api('PUT', crisisPath('/draft/crisis'), body);
    markClean();
    await loadDraft();
    fillCrisisForm(state.draft.crisis);
    showStatus('Saved the crisis details. Publish to make them live.');
  } catch (error) {
    if (isConflict(error) && error.body.current) {
      state.crisisConflict = error.body.current;
      const current = error.body.current;
      $('crisis-conflict-text').textContent =
        `Someone else saved the crisis details since you opened them: ${personName(current.updatedBy)}, ` +
        `${when(current.updatedAt)}. Nothing was overwritten; your text is still in the form.`;
      $('crisis-conflict').hidden = false;
      showStatus('Not saved: someone else saved the crisis details first.', 'error');
      $('crisis-load-theirs').focus();
    } else {
      reportFailure('Saving the crisis details', error);
    }
  }
}

async function loadTheirCrisis() {
  await loadDraft();
  fillCrisisForm(state.draft.crisis);
  showStatus('Loaded the latest crisis details.');
  $('crisis-heading').focus();
}

// ---------------------------------------------------------------- preview

const preview = wirePreview({
  previewPath: () => crisisPath('/preview'),
  questionOf: (id, lang) => {
    const entry = findEntry(id);
    return entry && localized(entry.question, lang);
  },
  openEntry,
});

// ---------------------------------------------------------------- publish

async function onPublish(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const note = $('publish-note').value.trim();
  if (!note) {
    showStatus('Publishing needs a note: say what changed.', 'error');
    $('publish-note').focus();
    return;
  }
  if (state.dirty) {
    const { ok } = await confirmAction({
      title: 'Publish without your unsaved changes?',
      text: 'The editor holds changes that are not saved: only the saved draft is published. Save them first to include them.',
      ok: 'Publish the saved draft',
    });
    if (!ok) return;
  }
  const version = await whileBusy(form, () =>
    attempt('Publishing', () => api('POST', crisisPath('/publish'), { note })),
  );
  if (!version) return;
  $('publish-note').value = '';
  const result = $('publish-result');
  result.textContent = `Published version ${version.version}: citizens get it within moments.`;
  result.dataset.version = String(version.version);
  result.hidden = false;
  showStatus(`Published version ${version.version}.`);
  await loadDraft();
  await loadVersions();
  await refreshCrises();
}

// ---------------------------------------------------------------- history

async function loadVersions() {
  const slug = state.slug;
  const data = await attempt('Loading the versions', () => api('GET', crisisPath('/versions')));
  if (!data || state.slug !== slug) return;
  state.versions = [...(data.versions ?? [])].sort((a, b) => b.version - a.version);
  renderVersions();
  renderExportChoices();
}

function renderVersions() {
  const list = $('version-list');
  list.replaceChildren(
    ...state.versions.map((version) => {
      const item = el('li', 'version-item');
      item.dataset.version = String(version.version);
      const choose = button(`Version ${version.version}`, 'version-button', () =>
        selectVersion(version.version),
      );
      choose.setAttribute('aria-pressed', String(version.version === state.selectedVersion));
      const head = el('div', 'version-head');
      head.append(choose);
      if (version.live) head.append(el('span', 'badge live', 'Live'));
      item.append(
        head,
        el('p', 'version-note', version.note || '(no note)'),
        el('p', 'hint', `${personName(version.createdBy)} · ${when(version.createdAt)}`),
      );
      return item;
    }),
  );
  $('versions-empty').hidden = state.versions.length > 0;
}

async function openHistory() {
  if (state.view === 'history') return;
  if (!(await mayDiscard())) return;
  state.loaded = null;
  showWorkspace('history');
  await loadVersions();
  $('history-heading').focus();
}

/** The inbox tab's view of the draft: read again after the tab changes the draft. */
const unansweredProps = () => ({
  slug: state.slug,
  entries: sortedEntries(),
  languages: crisisLangs(),
  machineTranslation: Boolean(state.draft?.machineTranslation),
  onDraftChanged: async () => {
    await loadDraft();
    if (state.view === 'unanswered') openUnanswered($('unanswered-view'), unansweredProps());
  },
});

async function openUnansweredTab() {
  if (state.view === 'unanswered') return;
  if (!(await mayDiscard())) return;
  state.loaded = null;
  showWorkspace('unanswered');
  openUnanswered($('unanswered-view'), unansweredProps());
}

async function selectVersion(v) {
  state.selectedVersion = v;
  renderVersions();
  const version = state.versions.find((item) => item.version === v);
  const previous = state.versions.filter((item) => item.version < v).sort((a, b) => b.version - a.version)[0];
  $('diff-hint').hidden = true;
  $('diff-view').hidden = false;
  $('diff-heading').textContent = `Version ${v}`;
  $('rollback').disabled = Boolean(version?.live);
  $('rollback').title = version?.live ? 'This version is live already.' : '';
  const author = version
    ? `${personName(version.createdBy)}, ${when(version.createdAt)}: ${version.note || '(no note)'}`
    : '';
  $('diff-meta').textContent = previous
    ? `${author}. Changes since version ${previous.version}.`
    : `${author}. The first version: everything in it is new.`;
  $('diff-body').replaceChildren(el('p', 'hint', 'Loading…'));
  // Without a previous version the server compares with nothing (the default, v − 1 = 0).
  const against = previous ? `?against=${previous.version}` : '';
  const diff = await attempt('Loading the changes', () =>
    api('GET', crisisPath(`/versions/${v}/diff${against}`)),
  );
  if (state.selectedVersion !== v) return;
  if (!diff) {
    $('diff-body').replaceChildren();
    return;
  }
  renderDiff(diff);
}

function renderDiff(diff) {
  const parts = [];
  const added = diff.added ?? [];
  const removed = diff.removed ?? [];
  const changed = diff.changed ?? [];
  const crisis = diff.crisis ?? [];
  if (added.length + removed.length + changed.length + crisis.length === 0 && !diff.reordered) {
    $('diff-body').replaceChildren(el('p', 'hint', 'No differences.'));
    return;
  }
  const idList = (title, ids, kind) => {
    const section = el('section', `diff-section diff-${kind}`);
    section.append(el('h4', '', `${title} (${ids.length})`));
    const list = el('ul', 'diff-ids');
    list.append(
      ...ids.map((id) => {
        const item = el('li', '', id);
        item.dataset.entryId = id;
        const entry = findEntry(id);
        if (entry) item.append(el('span', 'hint', ` ${localized(entry.question)}`));
        return item;
      }),
    );
    section.append(list);
    return section;
  };
  if (crisis.length > 0) {
    const section = el('section', 'diff-section diff-crisis');
    section.append(el('h4', '', 'Crisis details'), changeTable(crisis));
    parts.push(section);
  }
  if (added.length > 0) parts.push(idList('Added entries', added, 'added'));
  if (removed.length > 0) parts.push(idList('Removed entries', removed, 'removed'));
  if (changed.length > 0) {
    const section = el('section', 'diff-section diff-changed');
    section.append(el('h4', '', `Changed entries (${changed.length})`));
    for (const change of changed) {
      const block = el('div', 'diff-entry');
      block.dataset.entryId = change.id;
      block.append(el('h5', '', change.id), changeTable(change.changes ?? []));
      section.append(block);
    }
    parts.push(section);
  }
  if (diff.reordered) parts.push(el('p', 'hint diff-reordered', 'The order of the entries changed too.'));
  $('diff-body').replaceChildren(...parts);
}

/** Field, language, before and after, one row per change; absent text shows as “(empty)”. */
function changeTable(changes) {
  const table = el('table', 'diff-table');
  const head = el('tr');
  for (const name of ['Field', 'Language', 'Before', 'After']) {
    const th = el('th', '', name);
    th.scope = 'col';
    head.append(th);
  }
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const c of changes) {
    const row = el('tr');
    row.dataset.field = c.field;
    if (c.lang) row.dataset.lang = c.lang;
    const before = el('td', 'before');
    before.append(el('del', '', changeText(c.field, c.before)));
    const after = el('td', 'after');
    after.append(el('ins', '', changeText(c.field, c.after)));
    row.append(
      el('td', '', FIELDS[c.field] ?? c.field),
      el('td', '', c.lang ? langName(c.lang) : '—'),
      before,
      after,
    );
    body.append(row);
  }
  return table;
}

function changeText(field, value) {
  if (field === 'links' && Array.isArray(value)) {
    if (value.length === 0) return '(none)';
    return value.map((link) => `${localized(link.label) || '(no label)'} · ${link.url}`).join('\n');
  }
  return textOf(value);
}

async function rollback() {
  const v = state.selectedVersion;
  if (!v) return;
  const { ok, note } = await confirmAction({
    title: `Roll back to version ${v}?`,
    text: `A new version with the content of version ${v} goes live at once, and the draft is reset to it: unpublished changes in the draft are lost.`,
    ok: 'Roll back',
    danger: true,
    withNote: true,
  });
  if (!ok) return;
  const version = await attempt('Rolling back', () =>
    api('POST', crisisPath(`/versions/${v}/rollback`), note ? { note } : {}),
  );
  if (!version) return;
  showStatus(`Rolled back: version ${version.version} (the content of version ${v}) is live.`);
  await loadDraft();
  await loadVersions();
  await refreshCrises();
  await selectVersion(version.version);
  $('history-heading').focus();
}

// ---------------------------------------------------------------- import and export

async function onImport(event) {
  event.preventDefault();
  // Read now: the event's currentTarget is gone once this handler awaits.
  const form = event.currentTarget;
  const file = $('import-file').files?.[0];
  if (!file) {
    showStatus('Choose a content file to import.', 'error');
    $('import-file').focus();
    return;
  }
  if (file.size > MAX_IMPORT_BYTES) {
    const kb = Math.round(file.size / 1024);
    showStatus(`“${file.name}” is ${kb} KB: the server takes content files up to 256 KB.`, 'error');
    return;
  }
  let content;
  try {
    content = JSON.parse(await file.text());
  } catch (error) {
    showStatus(`“${file.name}” is not a JSON file: ${error.message}`, 'error');
    return;
  }
  const { ok } = await confirmAction({
    title: 'Replace the draft?',
    text: `The draft of this crisis is replaced by “${file.name}”. Nothing goes live until you publish.`,
    ok: 'Replace the draft',
    danger: true,
  });
  if (!ok) return;
  await whileBusy(form, () => importContent(file.name, content));
}

async function importContent(fileName, content) {
  try {
    const result = await api('POST', crisisPath('/import'), content);
    markClean();
    state.loaded = null;
    showWorkspace('none');
    await loadDraft();
    const warnings = Array.isArray(result?.warnings) ? result.warnings.map(String) : [];
    showStatus(
      `Imported “${fileName}”: the draft is replaced. Check it, then publish.${warnings.length ? ' Warnings:' : ''}`,
      'info',
      warnings,
    );
    $('import-file').value = '';
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      showStatus(`“${fileName}” was not imported; nothing changed. Problems:`, 'error', error.details);
    } else {
      reportFailure('The import', error);
    }
  }
}

function renderExportChoices() {
  const live = state.versions.find((version) => version.live);
  $('export-version').replaceChildren(
    new Option(live ? `Live (version ${live.version})` : 'Live', ''),
    ...state.versions.map((version) => new Option(`Version ${version.version}`, String(version.version))),
  );
}

async function onExport(event) {
  event.preventDefault();
  const version = $('export-version').value;
  const query = version ? `?version=${encodeURIComponent(version)}` : '';
  const content = await attempt('The export', () => api('GET', crisisPath(`/export${query}`)));
  if (!content) return;
  const live = state.versions.find((v) => v.live)?.version;
  const name = `${state.slug}-v${version || live || 'live'}.json`;
  const blob = new window.Blob([`${JSON.stringify(content, null, 2)}\n`], { type: 'application/json' });
  const url = window.URL.createObjectURL(blob);
  const link = el('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => window.URL.revokeObjectURL(url), 10_000);
  showStatus(`Downloaded ${name}.`);
}

// ---------------------------------------------------------------- confirmation dialog

/** A modal confirmation; resolves `{ok, note}`. Escape and Cancel both answer no. */
function confirmAction({ title, text, ok, danger = false, withNote = false }) {
  const dialog = $('confirm-dialog');
  const opener = document.activeElement;
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = ok;
  $('confirm-ok').classList.toggle('danger', danger);
  $('confirm-note-field').hidden = !withNote;
  $('confirm-note').value = '';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        const note = $('confirm-note').value.trim();
        if (opener && document.contains(opener)) opener.focus();
        resolve({ ok: dialog.returnValue === 'ok', note });
      },
      { once: true },
    );
    dialog.showModal();
    (withNote ? $('confirm-note') : $('confirm-cancel')).focus();
  });
}

// ---------------------------------------------------------------- start

function wire() {
  $('crisis-select').addEventListener('change', onCrisisChosen);
  $('new-entry').addEventListener('click', newEntry);
  $('open-crisis').addEventListener('click', openCrisisDetails);
  $('open-history').addEventListener('click', openHistory);
  $('open-unanswered').addEventListener('click', openUnansweredTab);
  $('entry-form').addEventListener('submit', onSaveEntry);
  $('entry-form').addEventListener('input', () => {
    markDirty();
    renderMissing();
  });
  $('add-link').addEventListener('click', addLink);
  $('revert-entry').addEventListener('click', revertEntry);
  $('delete-entry').addEventListener('click', deleteEntry);
  $('translate-entry').addEventListener('click', translateEntry);
  $('approve-translations').addEventListener('click', approveTranslations);
  $('move-up').addEventListener('click', () => moveEntry(-1));
  $('move-down').addEventListener('click', () => moveEntry(1));
  $('load-theirs').addEventListener('click', loadTheirs);
  $('dismiss-conflict').addEventListener('click', dismissConflict);
  $('crisis-form').addEventListener('submit', onSaveCrisis);
  $('crisis-form').addEventListener('input', markDirty);
  $('crisis-load-theirs').addEventListener('click', loadTheirCrisis);
  $('publish-form').addEventListener('submit', onPublish);
  $('rollback').addEventListener('click', rollback);
  $('import-form').addEventListener('submit', onImport);
  $('export-form').addEventListener('submit', onExport);
  // Leaving the page with unsaved text asks first.
  window.addEventListener('beforeunload', (event) => {
    if (state.dirty) event.preventDefault();
  });
}

// Module scripts run once the document is parsed, so every element exists here.
wire();
startSession({ enter: enterStudio, leave: leaveStudio, maySignOut: mayDiscard });
