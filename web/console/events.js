// Real time: the server's event stream (queue, messages, ticket changes), its connection
// indicator, and what the screen reader is told as it happens.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, el, showStatus } from '../shared/ui.js';
import { renderQueue } from './queue.js';
import { isMine, state, stateText, ticketTitle } from './tickets.js';
import { appendToTranscript, renderControls, renderTicketHead } from './ticketView.js';

const ANNOUNCEMENTS_KEPT = 5;
const EVENTS_RETRY_MS = 5000;

function announce(text) {
  const announcer = $('announcer');
  announcer.append(el('p', '', text));
  while (announcer.childElementCount > ANNOUNCEMENTS_KEPT) announcer.firstElementChild.remove();
}

export function openEvents() {
  closeEvents();
  const events = new EventSource('/api/events');
  state.events = events;
  setConnection('connecting');
  events.addEventListener('open', () => setConnection('open'));
  events.addEventListener('error', () => onEventsError(events));
  events.addEventListener('queue', (event) => onQueue(JSON.parse(event.data)));
  events.addEventListener('message', (event) => onMessage(JSON.parse(event.data)));
  events.addEventListener('ticket', (event) => onTicketChanged(JSON.parse(event.data)));
}

export function closeEvents() {
  clearTimeout(state.eventsRetry);
  state.events?.close();
  state.events = null;
  setConnection('closed');
}

async function onEventsError(events) {
  if (events !== state.events) return;
  if (events.readyState !== EventSource.CLOSED) {
    setConnection('connecting');
    return;
  }
  // The browser gives up on a refused stream (an expired session, say): find out why, then retry.
  setConnection('closed');
  const user = await attempt('Checking the session', () => api('GET', '/api/me'));
  if (user && state.events === events) state.eventsRetry = setTimeout(openEvents, EVENTS_RETRY_MS);
}

function setConnection(connection) {
  const indicator = $('connection');
  indicator.dataset.connection = connection;
  indicator.textContent = { open: 'Live', connecting: 'Reconnecting…', closed: 'Offline' }[connection];
}

export function onQueue({ tickets }) {
  const known = new Set(state.tickets.map((ticket) => ticket.id));
  const arrived = tickets.filter((ticket) => ticket.state === 'waiting' && !known.has(ticket.id));
  state.tickets = tickets;
  renderQueue();
  if (arrived.length === 1) announce(`New ticket waiting: ${ticketTitle(arrived[0])}.`);
  else if (arrived.length > 1) announce(`${arrived.length} new tickets waiting.`);
}

export function onMessage({ ticketId, message }) {
  const current = state.current;
  if (current?.id === ticketId) {
    if (message.id && current.transcript.some((known) => known.id === message.id)) return;
    current.transcript.push(message);
    appendToTranscript(message);
    if (message.from === 'citizen') announce(`Citizen: ${message.text}`);
  } else if (message.from === 'citizen') {
    state.unread.add(ticketId);
    renderQueue();
    announce('New citizen message on another ticket.');
  }
}

function onTicketChanged(summary) {
  const index = state.tickets.findIndex((ticket) => ticket.id === summary.id);
  if (index >= 0 && summary.state === 'closed') state.tickets.splice(index, 1);
  else if (index >= 0) state.tickets[index] = summary;
  const current = state.current;
  if (current?.id !== summary.id) {
    renderQueue();
    return;
  }
  const wasMine = isMine(current);
  // Optional fields absent from the summary (assignee, outcome) must not survive from before.
  const { transcript, intake, callbackPhone } = current;
  state.current = { ...summary, transcript, intake, callbackPhone };
  renderQueue();
  renderTicketHead();
  renderControls();
  if (wasMine && !isMine(state.current)) {
    showStatus(`This ticket is no longer yours: ${stateText(state.current)}.`, 'error');
  }
}
