// Accounts: create one with its roles, reset a password, disable or enable, remove a lost second
// factor; each row shows the last sign-in. The API never sends a password hash or a secret.

import { html, useRef, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { languageName } from '../shared/languages.js';
import { attempt } from '../shared/session.js';
import { showStatus } from '../shared/ui.js';
import { checkedValues, formatTime } from './forms.js';

function NewAccount({ authorities, choices, onCreated }) {
  const [busy, setBusy] = useState(false);
  const create = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const body = {
      username: form.elements.username.value.trim(),
      password: form.elements.password.value,
      roles: checkedValues(form, 'roles'),
      languages: checkedValues(form, 'languages'),
      ...(form.elements.displayName.value.trim()
        ? { displayName: form.elements.displayName.value.trim() }
        : {}),
      ...(form.elements.authorityNis.value ? { authorityNis: form.elements.authorityNis.value } : {}),
    };
    if (body.roles.length === 0) return showStatus('Choose at least one role.', 'error');
    setBusy(true);
    const created = await attempt('Creating the account', () => api('POST', '/api/users', body));
    setBusy(false);
    if (!created) return;
    form.reset();
    showStatus(
      `Account ${created.username} created. Give them the password through a separate channel.`,
      'ok',
    );
    await onCreated();
  };
  return html`<section class="card" aria-labelledby="new-account-heading">
    <h2 id="new-account-heading">New account</h2>
    <form class="stack" onSubmit=${create}>
      <div class="field">
        <label for="new-username">Username</label>
        <input
          id="new-username"
          name="username"
          autocomplete="off"
          required
          pattern="[A-Za-z0-9._\\-]{2,64}"
        />
      </div>
      <div class="field">
        <label for="new-display-name">Display name</label>
        <input id="new-display-name" name="displayName" autocomplete="off" />
      </div>
      <div class="field">
        <label for="new-password">Password</label>
        <input
          id="new-password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength="12"
          required
          aria-describedby="new-password-hint"
        />
        <span id="new-password-hint" class="hint">At least 12 characters.</span>
      </div>
      <fieldset>
        <legend>Roles</legend>
        ${!choices && html`<p class="hint">Loading…</p>`}
        <div class="choices">
          ${(choices?.roles ?? []).map(
            (role) =>
              html`<label key=${role}><input type="checkbox" name="roles" value=${role} /> ${role}</label>`,
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>Languages</legend>
        <div class="choices">
          ${(choices?.languages ?? []).map(
            (lang) =>
              html`<label key=${lang}
                ><input type="checkbox" name="languages" value=${lang} /> ${languageName(lang)}</label
              >`,
          )}
        </div>
      </fieldset>
      <div class="field">
        <label for="new-authority">Authority</label>
        <select id="new-authority" name="authorityNis" aria-describedby="new-authority-hint">
          <option value="">None</option>
          ${authorities.map((a) => html`<option key=${a.nisCode} value=${a.nisCode}>${a.name} (${a.nisCode})</option>`)}
        </select>
        <span id="new-authority-hint" class="hint">Needed for communicators and authority users.</span>
      </div>
      <div class="actions"><button type="submit" disabled=${busy || !choices}>Create account</button></div>
    </form>
  </section>`;
}

function PasswordReset({ account, onDone }) {
  const field = useRef(null);
  const reset = async (event) => {
    event.preventDefault();
    const password = field.current.value;
    const done = await attempt('Resetting the password', () =>
      api('PUT', `/api/users/${account.id}/password`, { password }),
    );
    if (done === undefined) return;
    showStatus(`Password of ${account.username} reset; their sessions have ended.`, 'ok');
    onDone();
  };
  const id = `reset-${account.id}`;
  return html`<form class="stack" onSubmit=${reset}>
    <div class="field">
      <label for=${id}>New password for ${account.username}</label>
      <input id=${id} ref=${field} type="password" autocomplete="new-password" minlength="12" required />
    </div>
    <div class="actions">
      <button type="submit">Set password</button>
      <button type="button" class="secondary" onClick=${onDone}>Cancel</button>
    </div>
  </form>`;
}

function AccountRow({ account, me, onChanged }) {
  const [resetting, setResetting] = useState(false);
  const act = async (what, method, path, done) => {
    const result = await attempt(what, () => api(method, path));
    if (result === undefined) return;
    showStatus(done, 'ok');
    await onChanged();
  };
  const toggle = () =>
    account.disabled
      ? act('Enabling', 'POST', `/api/users/${account.id}/enable`, `${account.username} enabled.`)
      : act('Disabling', 'POST', `/api/users/${account.id}/disable`, `${account.username} disabled.`);
  const removeFactor = () => {
    if (!window.confirm(`Remove the second factor of ${account.username}? They must enrol a new one.`))
      return;
    void act(
      'Removing the second factor',
      'POST',
      `/api/users/${account.id}/totp/reset`,
      'Second factor removed.',
    );
  };
  return html`<li class="card stack" data-username=${account.username}>
    <div class="row-head">
      <h3>${account.displayName}</h3>
      <span>${account.username}</span>
      ${account.disabled && html`<span class="state-disabled">Disabled</span>`}
    </div>
    <dl class="summary">
      <dt>Roles</dt>
      <dd>${account.roles.join(', ')}</dd>
      <dt>Languages</dt>
      <dd>${account.languages.map(languageName).join(', ') || '—'}</dd>
      ${
        account.authorityNis &&
        html`<dt>Authority</dt>
          <dd>${account.authorityNis}</dd>`
      }
      <dt>Second factor</dt>
      <dd>${account.totpEnabled ? 'Enrolled' : 'None'}</dd>
      <dt>Last sign-in</dt>
      <dd class="last-sign-in">${account.lastSignInAt ? formatTime(account.lastSignInAt) : 'Never'}</dd>
    </dl>
    ${
      resetting
        ? html`<${PasswordReset} account=${account} onDone=${() => setResetting(false)} />`
        : html`<div class="actions">
            <button type="button" class="secondary" onClick=${() => setResetting(true)}>
              Reset password<span class="visually-hidden"> of ${account.username}</span>
            </button>
            ${
              account.id !== me.id &&
              html`<button type="button" class=${account.disabled ? 'secondary' : 'danger'} onClick=${toggle}>
                ${account.disabled ? 'Enable' : 'Disable'}<span class="visually-hidden">
                  ${account.username}</span
                >
              </button>`
            }
            ${
              account.totpEnabled &&
              html`<button type="button" class="secondary" onClick=${removeFactor}>
                Remove second factor<span class="visually-hidden"> of ${account.username}</span>
              </button>`
            }
          </div>`
    }
  </li>`;
}

export function Accounts({ me, users, authorities, choices, onChanged }) {
  return html`
    <${NewAccount} authorities=${authorities} choices=${choices} onCreated=${onChanged} />
    <section aria-labelledby="accounts-heading" class="stack">
      <h2 id="accounts-heading">Accounts</h2>
      ${users === null && html`<p class="hint">Loading…</p>`}
      <ul class="rows">
        ${(users ?? []).map((u) => html`<${AccountRow} key=${u.id} account=${u} me=${me} onChanged=${onChanged} />`)}
      </ul>
    </section>
  `;
}
