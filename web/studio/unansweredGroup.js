// One group of the inbox: what people asked, and the three ways to deal with it.

import { html, useState } from '/shared/vendor/preact-htm.js';
import { LANGUAGE_NAMES } from '../shared/languages.js';
import { NewEntryForm } from './unansweredNewEntry.js';

const SOURCES = {
  clarify: 'bot asked to choose',
  none: 'bot found nothing',
  unhelpful: 'rated not helpful',
  operator: 'added by an operator',
};
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const when = (iso) => dateTime.format(new Date(iso));
const split = (counts, names) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${names[key] ?? key} ${n}`)
    .join(' · ');

/** An entry's question in the first language it has. */
export function questionOf(entry, lang) {
  return entry.question[lang] ?? Object.values(entry.question)[0] ?? entry.id;
}

export function GroupCard({ group, entries, languages, busy, act }) {
  // The entries citizens picked after the bot's clarifications of these messages, most often first.
  const choices = Object.entries(group.chosen ?? {}).sort((a, b) => b[1] - a[1]);
  const [chosen, setChosen] = useState(() => new Set(group.examples.map((e) => e.id)));
  // Proposed until the communicator picks one, and updated with each read meanwhile: what
  // citizens chose is a person's reading of the phrasing, the closest entry only the bot's.
  const [pickedFaqId, setFaqId] = useState(undefined);
  const faqId = pickedFaqId ?? choices[0]?.[0] ?? group.closestFaqId ?? entries[0]?.id ?? '';
  const [writing, setWriting] = useState(false);
  const closest = entries.find((e) => e.id === group.closestFaqId);
  const entryNamed = (id) => {
    const entry = entries.find((e) => e.id === id);
    return entry ? `“${questionOf(entry, group.examples[0]?.lang)}” (${id})` : id;
  };
  const toggle = (id) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  const picked = group.examples.filter((e) => chosen.has(e.id));

  return html`
    <li class="inbox-group" data-group-id=${group.id}>
      <div class="inbox-group-head">
        <strong class="inbox-count">${group.count}×</strong>
        <span>${split(group.languages, LANGUAGE_NAMES)}</span>
        <span class="hint">first ${when(group.firstSeen)} · last ${when(group.lastSeen)}</span>
      </div>
      <p class="hint">${split(group.sources, SOURCES)}</p>
      <p class="hint">Closest entry: ${closest ? entryNamed(closest.id) : 'none'}</p>
      ${
        choices.length > 0 &&
        html`<p class="hint inbox-chosen">
          Citizens then chose: ${choices.map(([id, n]) => `${entryNamed(id)} ${n}×`).join(' · ')}
        </p>`
      }
      <fieldset class="inbox-examples" disabled=${busy}>
        <legend>Phrasings</legend>
        ${group.examples.map(
          (example) => html`
            <label class="inbox-example" key=${example.id}>
              <input type="checkbox" checked=${chosen.has(example.id)} onChange=${() => toggle(example.id)} />
              <span class="inbox-lang">${example.lang}</span>
              <span class="inbox-text">${example.text}</span>
            </label>
          `,
        )}
      </fieldset>
      <div class="inline-row inbox-actions">
        <label>
          Entry
          <select value=${faqId} onChange=${(e) => setFaqId(e.currentTarget.value)} disabled=${busy}>
            ${entries.map(
              (entry) =>
                html`<option value=${entry.id} key=${entry.id}>
                  ${entry.id}: ${questionOf(entry, 'en')}
                </option>`,
            )}
          </select>
        </label>
        <button
          type="button"
          class="inbox-attach"
          disabled=${busy || picked.length === 0 || !faqId}
          onClick=${() => act('attach', group, { faqId, messageIds: picked.map((e) => e.id) })}
        >
          Add ${picked.length} as alternatives
        </button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => setWriting(!writing)}>
          New entry…
        </button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => act('dismiss', group)}>
          Dismiss
        </button>
      </div>
      ${
        writing &&
        html`<${NewEntryForm}
          picked=${picked}
          entries=${entries}
          languages=${languages}
          busy=${busy}
          onSubmit=${(entry) => act('entry', group, entry)}
          onCancel=${() => setWriting(false)}
        />`
      }
    </li>
  `;
}
