// The crisis details form: title and summary per language, and the info number.

import { api } from '../shared/api.js';
import { reportFailure } from '../shared/session.js';
import { $, showStatus } from '../shared/ui.js';
import { languageName } from '../shared/languages.js';
import { loadDraft } from './draft.js';
import { personName, when, whileBusy } from './format.js';
import { buildLanguageColumns, oneLine, unlistedTexts } from './languageColumns.js';
import { crisisLangs, crisisPath, isConflict, LIMITS, state } from './state.js';
import { markClean, mayDiscard, showWorkspace } from './workspace.js';

const CRISIS_FIELDS = [
  { key: 'title', label: 'Title', rows: 3, max: LIMITS.title },
  { key: 'summary', label: 'Summary', rows: 9, max: LIMITS.summary },
];

export async function openCrisisDetails() {
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
    `Languages: ${crisisLangs().map(languageName).join(', ')} · revision ${crisis.revision}${saved}`;
  for (const column of $('crisis-languages').querySelectorAll('.lang-col'))
    column.classList.remove('is-missing');
  markClean();
}

export async function onSaveCrisis(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const base = state.draft.crisis;
  const title = unlistedTexts(base.title);
  const summary = unlistedTexts(base.summary);
  for (const lang of crisisLangs()) {
    const t = oneLine($(`title-${lang}`).value);
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

export async function loadTheirCrisis() {
  await loadDraft();
  fillCrisisForm(state.draft.crisis);
  showStatus('Loaded the latest crisis details.');
  $('crisis-heading').focus();
}
