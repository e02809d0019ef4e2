// The links of the entry form: one row per link, with its address and a label per language.

import { $, button, el } from '../shared/ui.js';
import { languageName } from '../shared/languages.js';
import { unlistedTexts } from './languageColumns.js';
import { crisisLangs, LIMITS, state } from './state.js';
import { markDirty } from './workspace.js';

/** Each link row's link as loaded: labels in languages the crisis does not list are kept from it. */
const linkOriginals = new WeakMap();

export function linkItem(link) {
  const n = ++state.linkCounter;
  const item = el('li', 'link-item');
  const fieldset = el('fieldset', 'link-fields');
  const legend = el('legend', 'link-legend');
  fieldset.append(legend);
  const urlId = `link-${n}-url`;
  const urlLabel = el('label', '', 'Address');
  urlLabel.htmlFor = urlId;
  urlLabel.append(el('span', 'hint', ' (https://…)'));
  const url = el('input', 'link-url');
  url.id = urlId;
  url.type = 'url';
  url.maxLength = 2000;
  url.placeholder = 'https://';
  url.value = link.url ?? '';
  const urlRow = el('div', 'link-url-row');
  urlRow.append(urlLabel, url);
  urlRow.append(
    button('Remove link', 'secondary danger-text', () => {
      const next = item.nextElementSibling ?? item.previousElementSibling;
      item.remove();
      renderLinkNumbers();
      markDirty();
      (next?.querySelector('input') ?? $('add-link')).focus();
    }),
  );
  const labels = el('div', 'lang-grid link-labels');
  labels.dataset.cols = String(Math.min(crisisLangs().length, 4));
  for (const lang of crisisLangs()) {
    const id = `link-${n}-label-${lang}`;
    const cell = el('div', 'field');
    const label = el('label', '', `Label ${lang.toUpperCase()}`);
    label.htmlFor = id;
    label.append(el('span', 'visually-hidden', ` (${languageName(lang)})`));
    const input = el('input', 'link-label');
    input.id = id;
    input.dataset.lang = lang;
    input.lang = lang;
    input.maxLength = LIMITS.linkLabel;
    input.value = link.label?.[lang] ?? '';
    cell.append(label, input);
    labels.append(cell);
  }
  fieldset.append(urlRow, labels);
  item.append(fieldset);
  linkOriginals.set(item, link);
  return item;
}

export function renderLinkNumbers() {
  const items = [...$('link-list').children];
  items.forEach((item, index) => {
    item.querySelector('.link-legend').textContent = `Link ${index + 1}`;
  });
  $('add-link').disabled = items.length >= LIMITS.links;
}

export function addLink() {
  const item = linkItem({ label: {}, url: '' });
  $('link-list').append(item);
  renderLinkNumbers();
  markDirty();
  item.querySelector('input').focus();
}

/** The links as the form holds them; labels in languages the crisis does not list stay as loaded. */
export function readLinks() {
  return [...$('link-list').children].map((item) => {
    const label = unlistedTexts(linkOriginals.get(item)?.label);
    for (const input of item.querySelectorAll('.link-label')) {
      const text = input.value.trim();
      if (text) label[input.dataset.lang] = text;
    }
    return { label, url: item.querySelector('.link-url').value.trim() };
  });
}
