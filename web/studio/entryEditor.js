// The entry editor's actions: open or start an entry, save, discard, delete, move it within its
// category, and have its missing languages machine-translated or the machine's drafts approved.

import { api, ApiError } from '../shared/api.js';
import { attempt, reportFailure } from '../shared/session.js';
import { $, showStatus } from '../shared/ui.js';
import { languageName } from '../shared/languages.js';
import { confirmAction } from './confirmDialog.js';
import { loadDraft, renderDraftState, syncOpenEntry } from './draft.js';
import { showConflict } from './entryConflict.js';
import { collectEntry, entryProblems, fillEntryForm, renderEntryMeta } from './entryForm.js';
import { renderEntryList } from './entryList.js';
import { whileBusy } from './format.js';
import { crisisPath, entryPath, findEntry, isConflict, sortedEntries, state } from './state.js';
import { markClean, mayDiscard, showWorkspace } from './workspace.js';

export async function openEntry(id) {
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

export async function newEntry() {
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

export const translateEntry = () =>
  machineAction(
    '/translate',
    'The machine translation',
    (saved) =>
      `Machine translations drafted in ${saved.machineDraft.map(languageName).join(', ')}: check them before publishing.`,
  );
export const approveTranslations = () =>
  machineAction('/approve', 'Approving', (saved) => `Machine translations of “${saved.id}” approved.`);

export async function onSaveEntry(event) {
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

export async function revertEntry() {
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

export async function deleteEntry() {
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

export async function moveEntry(step) {
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
