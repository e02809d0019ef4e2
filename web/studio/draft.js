// Reading the chosen crisis's draft: the entry list and the draft's state follow, and so does the
// open entry, unless the form holds unsaved text.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, showStatus } from '../shared/ui.js';
import { fillEntryForm, renderEntryMeta } from './entryForm.js';
import { renderEntryList } from './entryList.js';
import { crisisPath, findEntry, state } from './state.js';
import { showWorkspace } from './workspace.js';

export async function loadDraft() {
  const slug = state.slug;
  const draft = await attempt('Loading the draft', () => api('GET', crisisPath('/draft')));
  if (!draft || state.slug !== slug) return false;
  state.draft = draft;
  renderEntryList();
  renderDraftState();
  syncOpenEntry();
  return true;
}

export function renderDraftState() {
  const badge = $('draft-state');
  const changed = Boolean(state.draft?.changed);
  badge.dataset.changed = String(changed);
  badge.textContent = changed ? 'Unpublished changes' : 'Same as live';
  // A confirmation of the last publication is stale once the draft moves on.
  if (changed) $('publish-result').hidden = true;
}

/** After the draft is read again: the open entry follows, unless the form holds unsaved text. */
export function syncOpenEntry() {
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
