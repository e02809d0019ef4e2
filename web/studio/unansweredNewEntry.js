// A new entry written from a group: its questions prefilled from the chosen phrasings, one per
// language; the communicator writes the answers (or drafts the other languages by machine later).

import { html, useState } from '/shared/vendor/preact-htm.js';
import { LANGUAGE_NAMES } from '../shared/languages.js';

const LANGUAGES = Object.keys(LANGUAGE_NAMES);

export function NewEntryForm({ picked, entries, busy, languages, onSubmit, onCancel }) {
  const shown = languages ?? LANGUAGES;
  const [id, setId] = useState('');
  const [category, setCategory] = useState(entries[0]?.category ?? '');
  const [question, setQuestion] = useState(() =>
    Object.fromEntries(shown.map((l) => [l, picked.find((p) => p.lang === l)?.text ?? ''])),
  );
  const [answer, setAnswer] = useState(() => Object.fromEntries(shown.map((l) => [l, ''])));
  const filled = (texts) => Object.fromEntries(Object.entries(texts).filter(([, t]) => t.trim() !== ''));
  const alternatives = Object.fromEntries(
    shown
      .map((l) => [l, picked.filter((p) => p.lang === l && p.text !== question[l]).map((p) => p.text)])
      .filter(([, list]) => list.length > 0),
  );
  const submit = (event) => {
    event.preventDefault();
    onSubmit({ id, category, question: filled(question), answer: filled(answer), alternatives });
  };
  const set = (setter, texts, lang) => (event) => setter({ ...texts, [lang]: event.currentTarget.value });

  return html`
    <form class="inbox-new-entry" onSubmit=${submit}>
      <div class="inline-row">
        <label
          >ID
          <input
            value=${id}
            required
            pattern="[a-z0-9\\-]{1,64}"
            onInput=${(e) => setId(e.currentTarget.value)}
        /></label>
        <label
          >Category <input value=${category} required onInput=${(e) => setCategory(e.currentTarget.value)}
        /></label>
      </div>
      ${shown.map(
        (lang) => html`
          <div class="inbox-lang-fields" key=${lang}>
            <label
              >Question (${lang})
              <input value=${question[lang]} maxlength="300" onInput=${set(setQuestion, question, lang)}
            /></label>
            <label
              >Answer (${lang})
              <textarea
                rows="2"
                maxlength="4000"
                value=${answer[lang]}
                onInput=${set(setAnswer, answer, lang)}
              ></textarea>
            </label>
          </div>
        `,
      )}
      <div class="inline-row">
        <button type="submit" disabled=${busy}>Add entry to the draft</button>
        <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
      </div>
    </form>
  `;
}
