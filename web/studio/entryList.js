// The list of the draft's entries, grouped by category, with their missing and machine
// translations flagged. Opening an entry from it is wired by studio.js.

import { $, el, replaceKeepingFocus } from '../shared/ui.js';
import { languageName } from '../shared/languages.js';
import { localized, sortedEntries, state } from './state.js';

export function renderEntryList() {
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
  replaceKeepingFocus($('entry-groups'), 'data-entry-id', sections);
  $('entries-empty').hidden = (state.draft?.entries.length ?? 0) > 0;
  $('category-options').replaceChildren(...[...groups.keys()].map((category) => new Option(category)));
}

function entryItem(entry) {
  const item = el('li', 'entry-item');
  item.dataset.entryId = entry.id;
  const open = state.view === 'entry' && state.loaded?.id === entry.id;
  const row = el('button', 'entry-button');
  row.type = 'button';
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
    flag.title = `Missing translations: ${missing.map(languageName).join(', ')}`;
    row.append(
      el('span', 'visually-hidden', ` (missing translations: ${missing.map(languageName).join(', ')})`),
    );
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
    flag.title = `Machine translations to check: ${machine.map(languageName).join(', ')}`;
    row.append(
      el(
        'span',
        'visually-hidden',
        ` (machine translations to check: ${machine.map(languageName).join(', ')})`,
      ),
    );
    row.append(flag);
    item.dataset.machine = machine.join(' ');
  }
  item.append(row);
  return item;
}
