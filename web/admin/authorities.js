// The subscribed authorities (the convention's annex 1): NIS code, name, languages, contacts,
// and who may activate a service for them (their accounts with the authority role).

import { html, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { languageName } from '../shared/languages.js';
import { attempt } from '../shared/session.js';
import { showStatus } from '../shared/ui.js';
import { checkedValues } from './forms.js';

const CONTACT_FIELDS = [
  { name: 'name', label: 'Name' },
  { name: 'role', label: 'Function' },
  { name: 'email', label: 'Email', type: 'email' },
  { name: 'phone', label: 'Phone', type: 'tel' },
];

function contactsOf(form, count) {
  const contacts = [];
  for (let i = 0; i < count; i += 1) {
    const contact = {};
    for (const { name } of CONTACT_FIELDS) {
      const value = form.elements[`contact-${i}-${name}`].value.trim();
      if (value) contact[name] = value;
    }
    if (Object.keys(contact).length > 0) contacts.push(contact);
  }
  return contacts;
}

function AuthorityForm({ authority, languages, onSaved, onCancel }) {
  const editing = Boolean(authority);
  const [contactCount, setContactCount] = useState(Math.max(1, authority?.contacts.length ?? 0));
  const prefix = editing ? `edit-${authority.nisCode}` : 'new-authority';
  const save = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const body = {
      name: form.elements.name.value.trim(),
      languages: checkedValues(form, 'languages'),
      contacts: contactsOf(form, contactCount),
    };
    const saved = await attempt('Saving the authority', () =>
      editing
        ? api('PUT', `/api/authorities/${authority.nisCode}`, body)
        : api('POST', '/api/authorities', { nisCode: form.elements.nisCode.value.trim(), ...body }),
    );
    if (!saved) return;
    showStatus(`${saved.name} saved.`, 'ok');
    if (!editing) form.reset();
    await onSaved();
  };
  return html`<form class="stack" onSubmit=${save}>
    ${
      !editing &&
      html`<div class="field">
        <label for=${`${prefix}-nis`}>NIS code</label>
        <input id=${`${prefix}-nis`} name="nisCode" inputmode="numeric" pattern="[0-9]{5}" required />
      </div>`
    }
    <div class="field">
      <label for=${`${prefix}-name`}>Name</label>
      <input id=${`${prefix}-name`} name="name" required value=${authority?.name ?? ''} />
    </div>
    <fieldset>
      <legend>Languages</legend>
      <div class="choices">
        ${languages.map(
          (lang) =>
            html`<label key=${lang}
              ><input
                type="checkbox"
                name="languages"
                value=${lang}
                defaultChecked=${authority?.languages.includes(lang)}
              />
              ${languageName(lang)}</label
            >`,
        )}
      </div>
    </fieldset>
    ${Array.from(
      { length: contactCount },
      (_, i) =>
        html`<fieldset key=${i}>
          <legend>Contact ${i + 1}</legend>
          ${CONTACT_FIELDS.map(
            (f) =>
              html`<div class="field" key=${f.name}>
                <label for=${`${prefix}-c${i}-${f.name}`}>${f.label}</label>
                <input
                  id=${`${prefix}-c${i}-${f.name}`}
                  name=${`contact-${i}-${f.name}`}
                  type=${f.type ?? 'text'}
                  value=${authority?.contacts[i]?.[f.name] ?? ''}
                />
              </div>`,
          )}
        </fieldset>`,
    )}
    <div class="actions">
      <button type="button" class="secondary" onClick=${() => setContactCount(contactCount + 1)}>
        Add a contact
      </button>
      <button type="submit">${editing ? 'Save' : 'Register authority'}</button>
      ${editing && html`<button type="button" class="secondary" onClick=${onCancel}>Cancel</button>`}
    </div>
  </form>`;
}

function AuthorityRow({ authority, users, languages, onChanged }) {
  const [editing, setEditing] = useState(false);
  const activators = users.filter(
    (u) => u.authorityNis === authority.nisCode && u.roles.includes('authority') && !u.disabled,
  );
  const saved = async () => {
    setEditing(false);
    await onChanged();
  };
  return html`<li class="card stack">
    <div class="row-head">
      <h3>${authority.name}</h3>
      <span>NIS ${authority.nisCode}</span>
    </div>
    ${
      editing
        ? html`<${AuthorityForm}
            authority=${authority}
            languages=${languages}
            onSaved=${saved}
            onCancel=${() => setEditing(false)}
          />`
        : html`<dl class="summary">
              <dt>Languages</dt>
              <dd>${authority.languages.map(languageName).join(', ')}</dd>
              <dt>Contacts</dt>
              <dd>
                ${authority.contacts.length === 0 && '—'}
                <ul>
                  ${authority.contacts.map(
                    (c, i) =>
                      html`<li key=${i}>
                        ${[c.name, c.role, c.email, c.phone].filter(Boolean).join(' · ')}
                      </li>`,
                  )}
                </ul>
              </dd>
              <dt>May activate</dt>
              <dd>${activators.map((u) => `${u.displayName} (${u.username})`).join(', ') || 'Nobody yet'}</dd>
            </dl>
            <div class="actions">
              <button type="button" class="secondary" onClick=${() => setEditing(true)}>
                Edit<span class="visually-hidden"> ${authority.name}</span>
              </button>
            </div>`
    }
  </li>`;
}

export function Authorities({ authorities, users, languages, onChanged }) {
  return html`
    <section class="card" aria-labelledby="new-authority-heading">
      <h2 id="new-authority-heading">Register an authority</h2>
      <${AuthorityForm} languages=${languages} onSaved=${onChanged} />
      <p class="hint">
        Who may activate: create an account with the authority role and this NIS code under Accounts.
      </p>
    </section>
    <section aria-labelledby="authorities-heading" class="stack">
      <h2 id="authorities-heading">Authorities</h2>
      ${authorities === null && html`<p class="hint">Loading…</p>`}
      <ul class="rows">
        ${(authorities ?? []).map(
          (a) =>
            html`<${AuthorityRow}
              key=${a.nisCode}
              authority=${a}
              users=${users}
              languages=${languages}
              onChanged=${onChanged}
            />`,
        )}
      </ul>
    </section>
  `;
}
