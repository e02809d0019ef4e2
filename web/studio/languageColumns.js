// The one-column-per-language fields of the entry and crisis forms, and how their texts are read.

import { el } from '../shared/ui.js';
import { languageName } from '../shared/languages.js';
import { crisisLangs } from './state.js';

export function buildLanguageColumns(container, fields) {
  const langs = crisisLangs();
  container.dataset.cols = String(Math.min(langs.length, 4));
  container.replaceChildren(
    ...langs.map((lang) => {
      const column = el('fieldset', 'lang-col');
      column.dataset.lang = lang;
      const legend = el('legend', '', `${languageName(lang)} `);
      legend.append(el('span', 'lang-code', lang.toUpperCase()));
      legend.append(el('span', 'badge missing lang-missing', 'Missing'));
      legend.append(el('span', 'badge machine lang-machine', 'Machine draft'));
      column.append(legend);
      for (const field of fields) {
        const id = `${field.key}-${lang}`;
        const label = el('label', '', field.label);
        label.htmlFor = id;
        label.append(el('span', 'visually-hidden', ` (${languageName(lang)})`));
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

/** The texts in languages the crisis does not list: the form has no column for them, a save keeps them. */
export function unlistedTexts(texts) {
  const langs = crisisLangs();
  return Object.fromEntries(Object.entries(texts ?? {}).filter(([lang]) => !langs.includes(lang)));
}

/** A question or a title is one line, even when the box wrapped it or a paste brought line breaks. */
export const oneLine = (text) => text.replace(/\s*\n\s*/g, ' ').trim();
