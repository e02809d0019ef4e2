// Sign-in, sign-out and the session a reload restores, for a page with an empty
// <main id="signin-view">, a <div id="account"> in its top bar and the status bar: the sign-in form
// and the account's name and sign-out button are drawn here, the same on every page. An account
// with a second factor is asked for its code after the password, in a field added to the form.

import { api, ApiError, setToken } from './api.js';
import { $, el, setBusy, showStatus } from './ui.js';

const CODE_FIELD_ID = 'signin-code';

/** The page's part, given to startSession. */
let page = null;
/** From entering the page until leaving it: only then does a 401 mean that the session ended. */
let signedIn = false;

/**
 * Draws and wires the sign-in form and the sign-out button, then restores the session if the cookie
 * still holds one. Swapping the sign-in form for the account's name and back is done here, the same
 * on every page; `enter(user)` opens the page's own part for a user, `leave()` closes it and forgets
 * what it showed. Optional: `afterSignIn(user)` runs after the form (not on a restore) and resolves
 * to the user to enter with; `maySignOut()` may refuse a sign-out; `signInHint` is a line of help
 * under the form.
 */
export function startSession(hooks) {
  page = { afterSignIn: (user) => user, maySignOut: () => true, ...hooks };
  drawSignIn(page.signInHint);
  drawAccount();
  $('signin-form').addEventListener('submit', onSignIn);
  // Another account may have no second factor: its code field goes until the server asks again.
  $('username').addEventListener('input', removeCodeField);
  $('sign-out').addEventListener('click', onSignOut);
  restoreSession();
}

function drawSignIn(hint) {
  const form = el('form', 'card signin-form');
  form.id = 'signin-form';
  const submit = el('button', '', 'Sign in');
  submit.type = 'submit';
  form.append(
    el('h2', '', 'Sign in'),
    ...field({ name: 'username', label: 'Username', autocomplete: 'username' }),
    ...field({
      name: 'password',
      label: 'Password',
      type: 'password',
      autocomplete: 'current-password',
    }),
    submit,
  );
  if (hint) form.append(el('p', 'hint', hint));
  $('signin-view').replaceChildren(form);
}

function field({ name, label, ...attributes }) {
  const caption = el('label', '', label);
  caption.htmlFor = name;
  const input = el('input');
  Object.assign(input, { id: name, name, ...attributes, required: true });
  return [caption, input];
}

/** The user's name first and the sign-out button last, around the page's own controls (if any). */
function drawAccount() {
  const name = el('span', 'user-name');
  name.id = 'user-name';
  const signOut = el('button', '', 'Sign out');
  Object.assign(signOut, { id: 'sign-out', type: 'button' });
  $('account').prepend(name);
  $('account').append(signOut);
}

/**
 * Whether the signed-in `user` has one of `roles`; if not, the page tells them `refusal` and leaves
 * them the sign-out button (the server refuses them its API anyway).
 */
export function mayUse(user, roles, refusal) {
  if (user.roles.some((role) => roles.includes(role))) return true;
  showStatus(refusal, 'error');
  $('sign-out').focus();
  return false;
}

/** Runs an API action; failures are shown (with their details), so callers only handle success. */
export async function attempt(what, action) {
  try {
    return await action();
  } catch (error) {
    reportFailure(what, error);
    return undefined;
  }
}

/** A refusal for want of a second-factor code: the session itself is still good. */
export function needsCode(error) {
  return error instanceof ApiError && error.body.secondFactorRequired === true;
}

export function reportFailure(what, error) {
  if (error instanceof ApiError && error.status === 401 && signedIn && !needsCode(error)) {
    leave('Your session has ended. Please sign in again.', 'error');
    return;
  }
  showStatus(`${what} failed: ${error.message}`, 'error', error.details ?? []);
}

async function enter(user) {
  signedIn = true;
  $('user-name').textContent = user.displayName ?? user.username;
  $('signin-view').hidden = true;
  $('account').hidden = false;
  await page.enter(user);
}

function leave(message, kind = 'info') {
  signedIn = false;
  setToken(null);
  page.leave();
  $('account').hidden = true;
  $('signin-view').hidden = false;
  showStatus(message, kind);
  $('username').focus();
}

async function onSignIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const code = $(CODE_FIELD_ID);
  const credentials = {
    username: form.username.value.trim(),
    password: form.password.value,
    ...(code ? { totp: code.value.trim() } : {}),
  };
  setBusy(form, true);
  showStatus('Signing in…');
  try {
    const session = await api('POST', '/api/auth/login', credentials);
    setToken(session.token);
    form.password.value = '';
    removeCodeField();
    await enter(await page.afterSignIn(session.user));
  } catch (error) {
    if (needsCode(error)) askForCode(form, Boolean(code));
    else showStatus(signInProblem(error), 'error');
  } finally {
    setBusy(form, false);
  }
}

/** The password was right; the code field appears (or is cleared after a refused code) and takes the focus. */
function askForCode(form, refused) {
  let input = $(CODE_FIELD_ID);
  if (!input) {
    const label = el('label', '', 'Code from your authenticator app');
    label.htmlFor = CODE_FIELD_ID;
    input = el('input');
    Object.assign(input, {
      id: CODE_FIELD_ID,
      inputMode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '[0-9]{6}',
      maxLength: 6,
      required: true,
    });
    form.querySelector('button[type="submit"]').before(label, input);
  }
  // The form is busy until this answer is handled; a disabled field cannot take the focus.
  input.disabled = false;
  input.value = '';
  input.focus();
  showStatus(
    refused
      ? 'That code was not accepted (wrong, expired or already used). Enter the code your app shows now.'
      : 'Enter the code from your authenticator app.',
    refused ? 'error' : 'info',
  );
}

function removeCodeField() {
  const input = $(CODE_FIELD_ID);
  if (!input) return;
  input.labels[0]?.remove();
  input.remove();
}

function signInProblem(error) {
  if (!(error instanceof ApiError)) return `Sign-in failed: ${error.message}`;
  if (error.status === 401) return 'Wrong username or password.';
  if (error.status === 429) {
    const wait = error.retryAfter ? `${error.retryAfter} seconds` : 'a while';
    return `Too many attempts. Try again in ${wait}.`;
  }
  return `Sign-in failed: ${error.message}`;
}

async function restoreSession() {
  try {
    await enter(await api('GET', '/api/me'));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      showStatus(`Could not reach the server: ${error.message}`, 'error');
    }
    $('username').focus();
  }
}

async function onSignOut() {
  if (!(await page.maySignOut())) return;
  try {
    await api('POST', '/api/auth/logout');
    leave('Signed out.');
  } catch (error) {
    leave(`Signed out here, but the server did not confirm: ${error.message}`, 'error');
  }
}
