// Opening a service: a template or a content file, the languages, title and info number, then a
// check of all of it before the code (unless the sign-in's still covers it) and the activation itself.

import { html, useEffect, useRef, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { languageName, localized } from '../shared/languages.js';
import { showStatus } from '../shared/ui.js';
import { CodeCovered, CodeField } from './codeField.js';
import { ExerciseBadge } from './exerciseBadge.js';
import { attemptWithCode } from './freshness.js';

const ALL_LANGUAGES = ['fr', 'nl', 'de', 'en'];
const EXERCISE_KIND = 'An exercise (drill): marked EXERCISE everywhere, reached only through its link';
// One string: htm drops whitespace that spans lines, which would glue the words together.
const EXERCISE_HINT =
  'An exercise: citizens and staff see EXERCISE on every page and reply; citizens without its link are never ' +
  'offered it; its figures and costs are kept apart from real crises.';

/** Reads an uploaded content file; the server checks it whole at activation. */
async function readContentFile(file) {
  try {
    return JSON.parse(await file.text());
  } catch (error) {
    throw new Error(`${file.name} is not a JSON content file (${error.message})`, { cause: error });
  }
}

export function ActivationForm({ user, templates, authorities, codeNeeded, onCodeNeeded, onActivated }) {
  const admin = user.roles.includes('admin');
  const [nis, setNis] = useState(user.authorityNis ?? '');
  const authority = authorities.find((a) => a.nisCode === nis) ?? (admin ? undefined : authorities[0]);
  const [source, setSource] = useState('template');
  const [template, setTemplate] = useState('');
  const [content, setContent] = useState(null);
  const [languages, setLanguages] = useState([]);
  const [title, setTitle] = useState({});
  const [infoNumber, setInfoNumber] = useState('');
  const [exercise, setExercise] = useState(false);
  const [checking, setChecking] = useState(false);
  const [busy, setBusy] = useState(false);
  const checkHeading = useRef(null);

  // The authority's languages are the usual choice; the user can change them.
  useEffect(() => {
    if (authority && languages.length === 0) setLanguages(authority.languages);
  }, [authority?.nisCode]);
  useEffect(() => {
    if (!template && templates.length > 0) setTemplate(templates[0].id);
  }, [templates]);
  useEffect(() => {
    if (checking) checkHeading.current?.focus();
  }, [checking]);

  const toggleLanguage = (lang, on) =>
    setLanguages(ALL_LANGUAGES.filter((l) => (l === lang ? on : languages.includes(l))));

  const onFile = async (event) => {
    const file = event.currentTarget.files[0];
    setContent(null);
    if (!file) return;
    try {
      const parsed = await readContentFile(file);
      setContent(parsed);
      // What the file says is a starting point for the fields below, to check and correct.
      const crisis = parsed.crisis ?? {};
      if (Array.isArray(crisis.languages))
        setLanguages(ALL_LANGUAGES.filter((l) => crisis.languages.includes(l)));
      if (crisis.title && typeof crisis.title === 'object') setTitle(crisis.title);
      if (typeof crisis.infoNumber === 'string') setInfoNumber(crisis.infoNumber);
      showStatus(`${file.name} read: check the fields below.`);
    } catch (error) {
      showStatus(error.message, 'error');
    }
  };

  const check = (event) => {
    event.preventDefault();
    if (languages.length === 0) return showStatus('Choose at least one language.', 'error');
    if (source === 'file' && !content) return showStatus('Choose a content file first.', 'error');
    setChecking(true);
  };

  const activate = async (event) => {
    event.preventDefault();
    const body = {
      ...(admin ? { authorityNis: nis } : {}),
      title: Object.fromEntries(languages.map((l) => [l, title[l] ?? ''])),
      languages,
      infoNumber,
      exercise,
      ...(source === 'template' ? { template } : { content }),
      ...(codeNeeded ? { totp: event.currentTarget.elements.code.value.trim() } : {}),
    };
    setBusy(true);
    const crisis = await attemptWithCode('Activation', () => api('POST', '/api/crises', body), onCodeNeeded);
    setBusy(false);
    if (!crisis) return;
    const kind = crisis.exercise ? 'EXERCISE · ' : '';
    showStatus(
      `Activated: ${kind}${localized(crisis.title, languages)}. The citizen link is ready to publish.`,
      'ok',
    );
    setChecking(false);
    // The next service is a real one unless chosen again: a real crisis must never open as a drill.
    setExercise(false);
    await onActivated(crisis);
  };

  if (checking) {
    const chosen = templates.find((t) => t.id === template);
    return html`<section class="card stack confirm-check" aria-labelledby="check-heading">
      <h2 id="check-heading" ref=${checkHeading} tabindex="-1">
        ${exercise && html`<${ExerciseBadge} /> `}Check before activating
      </h2>
      <dl class="summary">
        <dt>Kind</dt>
        <dd>${exercise ? EXERCISE_KIND : 'A real crisis'}</dd>
        <dt>Authority</dt>
        <dd>${authority ? `${authority.name} (${authority.nisCode})` : nis}</dd>
        <dt>Content</dt>
        <dd>
          ${source === 'template' ? `Template: ${localized(chosen?.title, languages) || template}` : 'Uploaded file'}
        </dd>
        <dt>Languages</dt>
        <dd>${languages.map(languageName).join(', ')}</dd>
        ${languages.map(
          (l) =>
            html`<dt key=${`t-${l}`}>Title (${languageName(l)})</dt>
              <dd key=${`d-${l}`}>${title[l]}</dd>`,
        )}
        <dt>Info number</dt>
        <dd>${infoNumber}</dd>
      </dl>
      <form class="stack" onSubmit=${activate}>
        ${codeNeeded ? html`<${CodeField} id="activate-code" disabled=${busy} />` : html`<${CodeCovered} />`}
        <div class="actions">
          <button type="submit" disabled=${busy}>Activate</button>
          <button type="button" class="secondary" disabled=${busy} onClick=${() => setChecking(false)}>
            Change
          </button>
        </div>
      </form>
    </section>`;
  }

  return html`<section class="card" aria-labelledby="activate-heading">
    <h2 id="activate-heading">Activate a crisis service</h2>
    <form class="stack" onSubmit=${check}>
      ${
        admin &&
        html`<div class="field">
          <label for="authority">Authority</label>
          <select id="authority" required value=${nis} onChange=${(e) => setNis(e.currentTarget.value)}>
            <option value="">Choose…</option>
            ${authorities.map((a) => html`<option key=${a.nisCode} value=${a.nisCode}>${a.name} (${a.nisCode})</option>`)}
          </select>
        </div>`
      }
      <fieldset>
        <legend>Content</legend>
        <div class="choices">
          <label
            ><input
              type="radio"
              name="source"
              value="template"
              checked=${source === 'template'}
              onChange=${() => setSource('template')}
            />
            From a template</label
          >
          <label
            ><input
              type="radio"
              name="source"
              value="file"
              checked=${source === 'file'}
              onChange=${() => setSource('file')}
            />
            From a content file</label
          >
        </div>
        ${
          source === 'template'
            ? html`<div class="field">
                <label for="template">Template</label>
                <select id="template" value=${template} onChange=${(e) => setTemplate(e.currentTarget.value)}>
                  ${templates.map(
                    (t) =>
                      html`<option key=${t.id} value=${t.id}>
                        ${localized(t.title, ['en', ...languages])}
                      </option>`,
                  )}
                </select>
              </div>`
            : html`<div class="field">
                <label for="content-file">Content file (JSON)</label>
                <input id="content-file" type="file" accept=".json,application/json" onChange=${onFile} />
                <span class="hint">As the content studio exports it, or see docs/content-format.md.</span>
              </div>`
        }
      </fieldset>
      <fieldset aria-describedby="exercise-hint">
        <legend>Kind of service</legend>
        <div class="choices">
          <label
            ><input
              type="radio"
              name="kind"
              value="real"
              checked=${!exercise}
              onChange=${() => setExercise(false)}
            />
            A real crisis</label
          >
          <label
            ><input
              type="radio"
              name="kind"
              value="exercise"
              checked=${exercise}
              onChange=${() => setExercise(true)}
            />
            This is an exercise (drill)</label
          >
        </div>
        <p id="exercise-hint" class="hint">${EXERCISE_HINT}</p>
      </fieldset>
      <fieldset>
        <legend>Languages</legend>
        <div class="choices">
          ${ALL_LANGUAGES.map(
            (l) =>
              html`<label key=${l}
                ><input
                  type="checkbox"
                  name="languages"
                  value=${l}
                  checked=${languages.includes(l)}
                  onChange=${(e) => toggleLanguage(l, e.currentTarget.checked)}
                />
                ${languageName(l)}</label
              >`,
          )}
        </div>
      </fieldset>
      ${languages.map(
        (l) =>
          html`<div class="field" key=${l}>
            <label for=${`title-${l}`}>Title (${languageName(l)})</label>
            <input
              id=${`title-${l}`}
              required
              maxlength="200"
              value=${title[l] ?? ''}
              onInput=${(e) => setTitle({ ...title, [l]: e.currentTarget.value })}
            />
          </div>`,
      )}
      <div class="field">
        <label for="info-number">Info number</label>
        <input
          id="info-number"
          type="tel"
          required
          value=${infoNumber}
          onInput=${(e) => setInfoNumber(e.currentTarget.value)}
          aria-describedby="info-number-hint"
        />
        <span id="info-number-hint" class="hint">The number citizens can call, shown with every answer.</span>
      </div>
      <div class="actions"><button type="submit">Check</button></div>
    </form>
  </section>`;
}
