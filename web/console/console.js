// Operator console: plain browser modules, no build step. Contract: docs/operator-api.md.
// Every request is same-origin, so the HttpOnly session cookie travels with it; that is what
// authenticates the event stream, since EventSource cannot send an Authorization header.
// Data from the API only ever reaches the page through textContent (no HTML from data).
// This module signs in and out, sets the operator's presence and wires the page.

import { api } from '../shared/api.js';
import { placesFor, showPlaces } from '../shared/places.js';
import { attempt, startSession } from '../shared/session.js';
import { $, showStatus, submitOnEnter } from '../shared/ui.js';
import { closeEvents, onQueue, openEvents } from './events.js';
import { claimNext, renderQueue } from './queue.js';
import { onReply, onSuggest, signalTyping } from './reply.js';
import { onClose, onTransfer } from './ticketEnd.js';
import { state } from './tickets.js';
import { renderTicket } from './ticketView.js';

/** Only these roles work tickets; the API refuses the queues and the stream to anyone else. */
const STAFF_ROLES = ['operator', 'd2-agent'];
const QUEUE_REFRESH_MS = 30000;

/** Signing in means starting work: the operator is made available (the hint says so in the UI). */
async function startWorking(user) {
  try {
    return await api('PUT', '/api/me/presence', { presence: 'available' });
  } catch (error) {
    showStatus(`Could not set you available: ${error.message}`, 'error');
    return user;
  }
}

async function enterDesk(user) {
  state.user = user;
  $('presence').value = user.presence;
  $('desk-view').hidden = false;
  const staff = user.roles.some((role) => STAFF_ROLES.includes(role));
  $('claim-next').disabled = !staff;
  if (!staff) {
    const hasPlaces = placesFor(user).length > 0;
    showStatus(
      `This account has neither the operator nor the D2 agent role: it has no queue.${hasPlaces ? ' Its pages are listed below.' : ''}`,
      'error',
    );
    showPlaces($('elsewhere'), user);
    ($('elsewhere').querySelector('a') ?? $('sign-out')).focus();
    return;
  }
  if ($('status').dataset.kind !== 'error') showStatus(`Signed in as ${user.displayName}.`);
  openEvents();
  state.queueTimer = setInterval(renderQueue, QUEUE_REFRESH_MS);
  $('claim-next').focus();
  // The stream sends the queue at once too; this covers a stream that is slow to open.
  const queue = await attempt('Loading the queue', () => api('GET', '/api/queues'));
  if (queue) onQueue(queue);
}

function leaveDesk() {
  closeEvents();
  clearInterval(state.queueTimer);
  Object.assign(state, { user: null, tickets: [], current: null, lastTypingAt: 0 });
  state.unread.clear();
  renderQueue();
  renderTicket();
  $('desk-view').hidden = true;
  $('elsewhere').hidden = true;
}

async function onPresence(event) {
  const select = event.currentTarget;
  select.disabled = true;
  const user = await attempt('Changing presence', () =>
    api('PUT', '/api/me/presence', { presence: select.value }),
  );
  select.disabled = false;
  if (!state.user) return;
  if (user) {
    state.user = user;
    showStatus(user.presence === 'available' ? 'You are available.' : 'You are away.');
  }
  select.value = state.user.presence;
  select.focus();
}

function wire() {
  $('presence').addEventListener('change', onPresence);
  $('claim-next').addEventListener('click', claimNext);
  $('reply-form').addEventListener('submit', onReply);
  submitOnEnter($('reply-text'), $('reply-form'));
  $('reply-text').addEventListener('input', signalTyping);
  $('suggest-form').addEventListener('submit', onSuggest);
  $('transfer-form').addEventListener('submit', onTransfer);
  $('close-form').addEventListener('submit', onClose);
}

// Module scripts run once the document is parsed, so every element exists here.
wire();
startSession({ enter: enterDesk, afterSignIn: startWorking, leave: leaveDesk });
