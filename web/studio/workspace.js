// The workspace: which view it shows (an entry, the crisis details, the history, the inbox or
// nothing), and the unsaved text in its forms that leaving a view must not lose unasked.

import { $ } from '../shared/ui.js';
import { confirmAction } from './confirmDialog.js';
import { renderEntryList } from './entryList.js';
import { state } from './state.js';
import { closeUnanswered } from './unanswered.js';

export function showWorkspace(view) {
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
export async function mayDiscard() {
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

export function markDirty() {
  state.dirty = true;
  $('entry-dirty').textContent = 'Unsaved changes';
}

export function markClean() {
  state.dirty = false;
  $('entry-dirty').textContent = '';
}
