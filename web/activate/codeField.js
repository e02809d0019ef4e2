// The six-digit code of the authenticator app, as every form of this page asks for it.

import { html } from '/shared/vendor/preact-htm.js';

export function CodeField({ id, label = 'Code from your authenticator app', disabled }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input
      id=${id}
      name="code"
      inputmode="numeric"
      autocomplete="one-time-code"
      pattern="[0-9]{6}"
      maxlength="6"
      required
      disabled=${disabled}
      aria-describedby=${`${id}-hint`}
    />
    <span id=${`${id}-hint`} class="hint">Six digits; each code works once.</span>
  </div>`;
}

/** In place of the field while the sign-in's code still covers the act. */
export function CodeCovered() {
  return html`<p class="hint">You signed in with a code a few minutes ago: no new code is needed.</p>`;
}
