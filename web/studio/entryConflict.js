// When someone else saved or deleted the open entry first (a 409): what they did, the user's text
// kept apart, and the ways on (their version, or the entry created again).

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, el, showStatus } from '../shared/ui.js';
import { languageName } from '../shared/languages.js';
import { loadDraft } from './draft.js';
import { collectEntry, fillEntryForm } from './entryForm.js';
import { FIELDS, personName, when } from './format.js';
import { crisisLangs, crisisPath, findEntry, state } from './state.js';
import { markClean } from './workspace.js';

/**
 * Someone saved (or deleted) the entry since it was read: say who and when, keep the user's text
 * in the form and list it apart, and offer their version (or to create the entry again).
 */
export function showConflict(current) {
  const id = state.loaded?.id;
  state.conflict = current ?? { deleted: true, id };
  const mine = collectEntry();
  const rows = [];
  if (current && mine.category !== current.category) rows.push(['Category', mine.category]);
  for (const lang of crisisLangs()) {
    for (const field of ['question', 'answer']) {
      const text = mine[field][lang] ?? '';
      if (text && text !== (current?.[field]?.[lang] ?? '')) {
        rows.push([`${FIELDS[field]} (${languageName(lang)})`, text]);
      }
    }
    const alts = (mine.alternatives[lang] ?? []).join('\n');
    if (alts && alts !== (current?.alternatives?.[lang] ?? []).join('\n')) {
      rows.push([`Alternatives (${languageName(lang)})`, alts]);
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

export async function loadTheirs() {
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

export function dismissConflict() {
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
