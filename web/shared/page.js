// A staff page whose signed-in part is a Preact app in <main id="app">: the sign-in form, the
// session and the status bar are the console's (session.js); only the app differs.

import { html, render } from '/shared/vendor/preact-htm.js';
import { startSession } from './session.js';
import { placesFor } from './places.js';
import { $, showStatus } from './ui.js';

/** Links to the pages the user may use, for a page that is not theirs. */
function Elsewhere({ user, what }) {
  const places = placesFor(user);
  return html`<section class="card" aria-labelledby="elsewhere-heading">
    <h2 id="elsewhere-heading" tabindex="-1">Not for this account</h2>
    <p>${what}</p>
    ${
      places.length > 0 &&
      html`<p>Pages this account can use:</p>
        <ul>
          ${places.map((p) => html`<li key=${p.href}><a href=${p.href}>${p.label}</a></li>`)}
        </ul>`
    }
  </section>`;
}

/**
 * Starts the page: `App` gets the signed-in user when one of `roles` is theirs; anyone else is told
 * `refusal` and where to go instead (the server refuses them the API anyway). `signInHint` is as
 * for startSession.
 */
export function startPage({ roles, App, refusal, signInHint }) {
  const app = $('app');
  startSession({
    signInHint,
    enter(user) {
      app.hidden = false;
      const allowed = user.roles.some((role) => roles.includes(role));
      render(
        allowed ? html`<${App} user=${user} />` : html`<${Elsewhere} user=${user} what=${refusal} />`,
        app,
      );
      if (allowed) showStatus(`Signed in as ${user.displayName}.`);
      else {
        showStatus(refusal, 'error');
        $('elsewhere-heading').focus();
      }
    },
    leave() {
      render(null, app);
      app.hidden = true;
    },
  });
}
