// The entry form: filled from an entry, read back into one, and checked as the server would check
// it; with the entry's state beside it (revision, missing languages, machine translations).

import { $ } from '../shared/ui.js';
import { languageName } from '../shared/languages.js';
import { personName, when } from './format.js';
import { linkItem, readLinks, renderLinkNumbers } from './entryLinks.js';
import { buildLanguageColumns, oneLine, unlistedTexts } from './languageColumns.js';
import { crisisLangs, findEntry, LIMITS, sortedEntries, state } from './state.js';
import { markClean } from './workspace.js';

const ID_PATTERN = /^[a-z0-9-]{1,64}$/;

const ENTRY_FIELDS = [
  { key: 'question', label: 'Question', rows: 3, max: LIMITS.question },
  { key: 'alternatives', label: 'Alternatives', hint: 'one per line', rows: 3 },
  { key: 'answer', label: 'Answer', rows: 7, max: LIMITS.answer },
];

export function fillEntryForm(entry) {
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

export function renderEntryMeta() {
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
      ? `Machine translation in ${drafted.map(languageName).join(', ')}: check it, then edit and save or approve it as it is. The draft cannot be published before.`
      : '';
  $('machine-tools').hidden = !canTranslate && drafted.length === 0;
  for (const column of $('entry-languages').querySelectorAll('.lang-col')) {
    column.classList.toggle('is-machine', drafted.includes(column.dataset.lang));
  }
}

/** Flags the languages of the form with no question or no answer, as the server's `missing` does. */
export function renderMissing() {
  for (const column of $('entry-languages').querySelectorAll('.lang-col')) {
    const lang = column.dataset.lang;
    const missing = !$(`question-${lang}`).value.trim() || !$(`answer-${lang}`).value.trim();
    column.classList.toggle('is-missing', missing);
  }
}

/** Reads the form. Texts in languages the crisis does not list are kept from the loaded entry. */
export function collectEntry() {
  const base = state.loaded ?? {};
  const question = unlistedTexts(base.question);
  const alternatives = unlistedTexts(base.alternatives);
  const answer = unlistedTexts(base.answer);
  for (const lang of crisisLangs()) {
    const q = oneLine($(`question-${lang}`).value);
    if (q) question[lang] = q;
    const alts = $(`alternatives-${lang}`)
      .value.split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    if (alts.length > 0) alternatives[lang] = alts;
    const a = $(`answer-${lang}`).value.trim();
    if (a) answer[lang] = a;
  }
  const links = readLinks();
  return { category: $('entry-category').value.trim(), question, alternatives, answer, links };
}

/** The problems the server would refuse anyway, found before sending. */
export function entryProblems(entry, isNew, id) {
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
    if (count > 20) problems.push(`Alternatives (${languageName(lang)}): at most 20.`);
    if ((entry.alternatives[lang] ?? []).some((alt) => alt.length > LIMITS.alternative)) {
      problems.push(`Alternatives (${languageName(lang)}): each at most ${LIMITS.alternative} characters.`);
    }
  }
  return problems;
}
