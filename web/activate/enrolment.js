// Enrolling the authenticator app: the password again (a stolen session cannot enrol), then the
// QR code and the secret, then a first code to confirm it.

import { html, useEffect, useRef, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { QrCode } from '../shared/qr.js';
import { attempt } from '../shared/session.js';
import { showStatus } from '../shared/ui.js';
import { CodeField } from './codeField.js';

export function Enrolment({ onEnrolled }) {
  const [enrolment, setEnrolment] = useState(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef(null);
  useEffect(() => heading.current?.focus(), [enrolment]);

  const start = async (event) => {
    event.preventDefault();
    const password = event.currentTarget.elements.password.value;
    setBusy(true);
    const started = await attempt('Starting the enrolment', () => api('POST', '/api/me/totp', { password }));
    setBusy(false);
    if (started) {
      setEnrolment(started);
      showStatus('Scan the QR code with your authenticator app, then enter the code it shows.');
    }
  };

  const confirm = async (event) => {
    event.preventDefault();
    const code = event.currentTarget.elements.code.value.trim();
    setBusy(true);
    const done = await attempt('Confirming the code', () => api('POST', '/api/me/totp/verify', { code }));
    setBusy(false);
    if (done !== undefined) {
      showStatus('Your authenticator app is set up.', 'ok');
      await onEnrolled();
    }
  };

  if (!enrolment) {
    return html`<section class="card stack" aria-labelledby="enrol-heading">
      <h2 id="enrol-heading" ref=${heading} tabindex="-1">Set up your authenticator app</h2>
      <p>
        Signing in here, and activating or ending a crisis service, ask for a code from an authenticator app
        (for example FreeOTP, Aegis, Google or Microsoft Authenticator). Set it up once; each code works only
        once.
      </p>
      <form class="stack" onSubmit=${start}>
        <div class="field">
          <label for="enrol-password">Your password again</label>
          <input
            id="enrol-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            disabled=${busy}
          />
        </div>
        <div class="actions"><button type="submit" disabled=${busy}>Show the QR code</button></div>
      </form>
    </section>`;
  }
  return html`<section class="card stack" aria-labelledby="enrol-heading">
    <h2 id="enrol-heading" ref=${heading} tabindex="-1">Scan this QR code</h2>
    <${QrCode} text=${enrolment.otpauthUri} label="QR code for your authenticator app" />
    <p>Or type this secret into the app:</p>
    <p id="totp-secret" class="secret">${enrolment.secret}</p>
    <p class="hint">Keep it to yourself: whoever has it can make your codes.</p>
    <form class="stack" onSubmit=${confirm}>
      <${CodeField} id="enrol-code" label="Code shown by the app" disabled=${busy} />
      <div class="actions"><button type="submit" disabled=${busy}>Confirm</button></div>
    </form>
  </section>`;
}
