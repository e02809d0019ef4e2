// What changed in a published version: the crisis details, the entries added, removed and changed
// (field by field, language by language), and whether the order moved.

import { $, el } from '../shared/ui.js';
import { languageName } from '../shared/languages.js';
import { FIELDS, textOf } from './format.js';
import { findEntry, localized } from './state.js';

export function renderDiff(diff) {
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
      el('td', '', c.lang ? languageName(c.lang) : '—'),
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
