// Content studio: plain browser modules, no build step. Contract: docs/studio-api.md (and the
// sign-in of docs/operator-api.md). Same-origin requests carry the HttpOnly session cookie, so a
// reload restores the session. Data from the API only ever reaches the page through textContent
// (no HTML from data), and styles only come from the style sheets (the CSP allows nothing inline).
// This module signs in and out, opens a crisis and wires the page; the views are its imports.

import { mayUse, startSession } from '../shared/session.js';
import { $, showStatus } from '../shared/ui.js';
import { loadCrises, renderCrisisMeta } from './crises.js';
import { loadTheirCrisis, onSaveCrisis, openCrisisDetails } from './crisisDetails.js';
import { loadDraft } from './draft.js';
import {
  approveTranslations,
  deleteEntry,
  moveEntry,
  newEntry,
  onSaveEntry,
  openEntry,
  revertEntry,
  translateEntry,
} from './entryEditor.js';
import { dismissConflict, loadTheirs } from './entryConflict.js';
import { renderMissing } from './entryForm.js';
import { addLink } from './entryLinks.js';
import { loadVersions, onPublish, openHistory, rollback } from './history.js';
import { onExport, onImport } from './importExport.js';
import { wirePreview } from './preview.js';
import { crisisLangs, crisisPath, findEntry, localized, resetState, sortedEntries, state } from './state.js';
import { openUnanswered } from './unanswered.js';
import { markDirty, mayDiscard, showWorkspace } from './workspace.js';

const EDITOR_ROLES = ['communicator', 'admin'];

async function enterStudio(user) {
  state.user = user;
  const refusal = 'This account has neither the communicator nor the admin role: it cannot edit content.';
  if (!mayUse(user, EDITOR_ROLES, refusal)) return;
  $('studio-view').hidden = false;
  showStatus(`Signed in as ${user.displayName ?? user.username}.`);
  const slug = await loadCrises();
  if (slug) await openCrisis(slug);
}

function leaveStudio() {
  resetState();
  $('studio-view').hidden = true;
  $('crisis-picker').hidden = true;
  $('entry-groups').replaceChildren();
  $('preview-result').hidden = true;
  $('publish-result').hidden = true;
  showWorkspace('none');
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

const preview = wirePreview({
  previewPath: () => crisisPath('/preview'),
  questionOf: (id, lang) => {
    const entry = findEntry(id);
    return entry && localized(entry.question, lang);
  },
  openEntry,
});

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

function wire() {
  $('crisis-select').addEventListener('change', onCrisisChosen);
  // The entry list is drawn again after every change: one listener serves all its buttons.
  $('entry-groups').addEventListener('click', (event) => {
    const row = event.target.closest('.entry-button');
    if (row) openEntry(row.closest('[data-entry-id]').dataset.entryId);
  });
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
