// Operator console: a plain browser module, no build step. Contract: docs/operator-api.md.
// Every request is same-origin, so the HttpOnly session cookie travels with it; that is what
// authenticates the event stream, since EventSource cannot send an Authorization header.
// Data from the API only ever reaches the page through textContent (no HTML from data).

import { api } from '../shared/api.js';
import { placesFor, showPlaces } from '../shared/places.js';
import { attempt, startSession } from '../shared/session.js';
import { $, button, el, setBusy, showStatus } from '../shared/ui.js';
import { faqQuestionOffer } from './faqQuestion.js';

const LANGUAGES = { fr: 'French', nl: 'Dutch', de: 'German', en: 'English' };
const QUEUES = { d5: 'D5 information', d2: 'D2 specialists' };
const REASONS = {
  'person-request': 'asked for a person',
  unanswered: 'bot could not answer',
  d2: 'victim inquiry',
  callback: 'callback',
  transfer: 'transferred',
};
const AUTHORS = { citizen: 'Citizen', bot: 'Bot', operator: 'Operator', system: 'System' };
const OUTCOMES = {
  resolved: 'Resolved',
  'returned-to-bot': 'Returned to bot',
  abandoned: 'Abandoned',
  'callback-done': 'Callback done',
  transferred: 'Transferred',
};
const INTAKE_LABELS = {
  callerName: 'Caller',
  callerPhone: 'Caller phone',
  relation: 'Relation',
  personName: 'Person sought',
  personAge: 'Age',
  description: 'Description',
  lastSeen: 'Last seen',
};
/** The API's limit; the citizen sees a typing indicator for a few seconds per signal. */
const TYPING_INTERVAL_MS = 3000;
/** Only these roles work tickets; the API refuses the queues and the stream to anyone else. */
const STAFF_ROLES = ['operator', 'd2-agent'];
const ANNOUNCEMENTS_KEPT = 5;
const EVENTS_RETRY_MS = 5000;
const QUEUE_REFRESH_MS = 30000;

const state = {
  user: null,
  tickets: [],
  current: null,
  unread: new Set(),
  events: null,
  eventsRetry: null,
  queueTimer: null,
  lastTypingAt: 0,
};

const ticketPath = (id, action = '') => `/api/tickets/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

// ---------------------------------------------------------------- announcements

function announce(text) {
  const announcer = $('announcer');
  announcer.append(el('p', '', text));
  while (announcer.childElementCount > ANNOUNCEMENTS_KEPT) announcer.firstElementChild.remove();
}

// ---------------------------------------------------------------- formatting

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const timeOf = (iso) => clock.format(new Date(iso));
const langName = (lang) => LANGUAGES[lang] ?? lang;
const minutesSince = (iso) => Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));

function ticketTitle(ticket) {
  return `${QUEUES[ticket.queue] ?? ticket.queue} · ${langName(ticket.lang)}`;
}

function isMine(ticket) {
  return ticket.state === 'assigned' && ticket.assignee?.id === state.user?.id;
}

function stateText(ticket) {
  if (ticket.state === 'closed')
    return `closed (${OUTCOMES[ticket.outcome] ?? ticket.outcome ?? 'no outcome'})`;
  if (ticket.state === 'waiting') return ticket.position ? `waiting, #${ticket.position}` : 'waiting';
  return isMine(ticket) ? 'with you' : `with ${ticket.assignee?.displayName ?? 'someone else'}`;
}

// ---------------------------------------------------------------- sign-in and session

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
  $('user-name').textContent = user.displayName;
  $('presence').value = user.presence;
  $('signin-view').hidden = true;
  $('desk-view').hidden = false;
  $('account').hidden = false;
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

function leaveDesk(message, kind = 'info') {
  closeEvents();
  clearInterval(state.queueTimer);
  Object.assign(state, { user: null, tickets: [], current: null, lastTypingAt: 0 });
  state.unread.clear();
  renderQueue();
  renderTicket();
  $('desk-view').hidden = true;
  $('elsewhere').hidden = true;
  $('account').hidden = true;
  $('signin-view').hidden = false;
  showStatus(message, kind);
  $('username').focus();
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

// ---------------------------------------------------------------- real time

function openEvents() {
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

function closeEvents() {
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

function onQueue({ tickets }) {
  const known = new Set(state.tickets.map((ticket) => ticket.id));
  const arrived = tickets.filter((ticket) => ticket.state === 'waiting' && !known.has(ticket.id));
  state.tickets = tickets;
  renderQueue();
  if (arrived.length === 1) announce(`New ticket waiting: ${ticketTitle(arrived[0])}.`);
  else if (arrived.length > 1) announce(`${arrived.length} new tickets waiting.`);
}

function onMessage({ ticketId, message }) {
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

// ---------------------------------------------------------------- queue

function renderQueue() {
  const list = $('queue-list');
  // Re-rendering must not throw the keyboard user's focus back to the top of the page.
  const focusedId = document.activeElement?.closest?.('#queue-list [data-ticket-id]')?.dataset.ticketId;
  const ordered = [...state.tickets].sort(
    (a, b) => Number(isMine(b)) - Number(isMine(a)) || (a.position ?? 0) - (b.position ?? 0),
  );
  list.replaceChildren(...ordered.map(queueItem));
  $('queue-empty').hidden = state.tickets.length > 0;
  if (focusedId) list.querySelector(`[data-ticket-id="${CSS.escape(focusedId)}"] button`)?.focus();
}

function queueItem(ticket) {
  const item = el('li', 'ticket-item');
  item.dataset.ticketId = ticket.id;
  item.dataset.state = ticket.state;
  item.classList.toggle('current', ticket.id === state.current?.id);
  const titleId = `ticket-title-${ticket.id}`;
  const title = el('span', 'ticket-title', ticketTitle(ticket));
  title.id = titleId;
  if (ticket.priority === 0) title.prepend(el('strong', 'badge urgent', 'Urgent'), ' ');
  if (ticket.exercise) title.prepend(el('strong', 'badge exercise', 'EXERCISE'), ' ');
  if (state.unread.has(ticket.id)) title.append(' ', el('strong', 'badge unread', 'New message'));
  const details = [REASONS[ticket.reason] ?? ticket.reason, stateText(ticket)];
  details.push(`${minutesSince(ticket.createdAt)} min`);
  const meta = el('span', 'hint', details.join(' · '));
  const mine = isMine(ticket);
  const action = button(mine ? 'Open' : 'Claim', '', () =>
    mine ? openTicket(ticket.id) : claimTicket(ticket.id),
  );
  action.setAttribute('aria-describedby', titleId);
  item.append(title, meta, action);
  return item;
}

async function claimNext() {
  const detail = await attempt('Taking the next ticket', () => api('POST', '/api/tickets/claim-next'));
  if (detail === null) showStatus('No ticket is waiting.');
  else if (detail) showTicket(detail, 'Ticket taken.');
}

async function claimTicket(id) {
  const detail = await attempt('Claiming the ticket', () => api('POST', ticketPath(id, 'claim')));
  if (detail) showTicket(detail, 'Ticket claimed.');
}

async function openTicket(id) {
  const detail = await attempt('Opening the ticket', () => api('GET', ticketPath(id)));
  if (detail) showTicket(detail, '');
}

// ---------------------------------------------------------------- conversation

function showTicket(detail, message) {
  if (state.current?.id !== detail.id) {
    $('reply-text').value = '';
    $('suggestions').replaceChildren();
    $('suggest-q').value = '';
  }
  state.current = { ...detail, transcript: [...(detail.transcript ?? [])] };
  state.unread.delete(detail.id);
  state.lastTypingAt = 0;
  renderQueue();
  renderTicket();
  if (message) showStatus(message);
  $('reply-text').focus();
}

function renderTicket() {
  const ticket = state.current;
  $('ticket-view').hidden = !ticket;
  $('no-ticket').hidden = Boolean(ticket);
  if (!ticket) return;
  renderTicketHead();
  renderCallback(ticket.callbackPhone);
  renderIntake(ticket.intake);
  $('transcript').replaceChildren(...ticket.transcript.map(messageItem));
  scrollTranscript();
  renderTransferTargets(ticket);
  renderOutcomes(ticket);
  renderControls();
}

function renderTicketHead() {
  const ticket = state.current;
  $('ticket-heading').textContent = ticketTitle(ticket);
  const meta = [
    REASONS[ticket.reason] ?? ticket.reason,
    stateText(ticket),
    `opened ${timeOf(ticket.createdAt)}`,
  ];
  if (ticket.priority === 0) meta.unshift('URGENT');
  // A drill's ticket says so wherever it shows: nobody may take it for a real citizen's.
  if (ticket.exercise) meta.unshift('EXERCISE');
  $('ticket-meta').textContent = meta.join(' · ');
}

/** Only the holder writes; a closed ticket takes no action at all. */
function renderControls() {
  const ticket = state.current;
  const mine = Boolean(ticket) && isMine(ticket);
  const open = Boolean(ticket) && ticket.state !== 'closed';
  setBusy($('reply-form'), !mine);
  setBusy($('suggest-form'), !open);
  setBusy($('transfer-form'), !open || $('transfer-to').options.length === 0);
  setBusy($('close-form'), !open);
}

function renderCallback(phone) {
  $('callback').hidden = !phone;
  const link = $('callback-phone');
  link.textContent = phone ?? '';
  if (phone) link.href = `tel:${phone.replace(/[^+\d]/g, '')}`;
  else link.removeAttribute('href');
}

function renderIntake(intake) {
  const fields = Object.entries(intake ?? {}).filter(([, value]) => value !== undefined && value !== '');
  $('intake').hidden = fields.length === 0;
  $('intake-fields').replaceChildren(
    ...fields.flatMap(([key, value]) => [
      el('dt', '', INTAKE_LABELS[key] ?? key),
      el('dd', '', String(value)),
    ]),
  );
}

function messageItem(message) {
  const item = el('li', `message from-${message.from}`);
  if (message.id) item.dataset.messageId = message.id;
  const author = AUTHORS[message.from] ?? message.from;
  item.append(
    el('span', 'message-head', `${author} · ${timeOf(message.at)}`),
    el('p', 'message-text', message.text),
  );
  return item;
}

function appendToTranscript(message) {
  $('transcript').append(messageItem(message));
  scrollTranscript();
}

function scrollTranscript() {
  const transcript = $('transcript');
  transcript.scrollTop = transcript.scrollHeight;
}

// ---------------------------------------------------------------- reply

async function onReply(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const ticket = state.current;
  const box = $('reply-text');
  const text = box.value.trim();
  if (!ticket || !text) return;
  setBusy(form, true);
  const message = await attempt('Sending the reply', () =>
    api('POST', ticketPath(ticket.id, 'messages'), { text }),
  );
  if (state.current?.id !== ticket.id) return;
  renderControls();
  if (message) {
    box.value = '';
    onMessage({ ticketId: ticket.id, message });
  }
  box.focus();
}

function onReplyKey(event) {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  $('reply-form').requestSubmit();
}

function signalTyping() {
  const ticket = state.current;
  if (!ticket || !isMine(ticket) || Date.now() - state.lastTypingAt < TYPING_INTERVAL_MS) return;
  state.lastTypingAt = Date.now();
  // Best effort: a lost typing indicator is not worth interrupting the operator for.
  api('POST', ticketPath(ticket.id, 'typing')).catch(() => {});
}

// ---------------------------------------------------------------- suggestions

async function onSuggest(event) {
  event.preventDefault();
  const ticket = state.current;
  if (!ticket) return;
  const q = $('suggest-q').value.trim();
  const path = ticketPath(ticket.id, 'suggestions') + (q ? `?q=${encodeURIComponent(q)}` : '');
  const data = await attempt('Finding FAQ answers', () => api('GET', path));
  if (data && state.current?.id === ticket.id) renderSuggestions(data.suggestions);
}

function renderSuggestions(suggestions) {
  const list = $('suggestions');
  if (suggestions.length === 0) {
    list.replaceChildren(el('li', 'hint', 'No FAQ entry matches.'));
    return;
  }
  list.replaceChildren(...suggestions.map(suggestionItem));
}

function suggestionItem(suggestion) {
  const item = el('li', 'suggestion');
  const questionId = `suggestion-${suggestion.faqId}`;
  const question = el('strong', 'suggestion-question', suggestion.question);
  question.id = questionId;
  const offer = faqQuestionOffer(state.current, suggestion.faqId);
  const insert = button('Insert', '', () => {
    insertAnswer(suggestion.answer);
    offer.show();
  });
  insert.setAttribute('aria-describedby', questionId);
  item.append(question, el('p', 'suggestion-answer', suggestion.answer), insert, offer.node);
  return item;
}

/** Goes in at the cursor (replacing a selection) so the operator can edit before sending. */
function insertAnswer(answer) {
  const box = $('reply-text');
  box.focus();
  box.setRangeText(answer, box.selectionStart, box.selectionEnd, 'end');
  showStatus('Answer inserted: edit it if needed, then press Enter to send.');
}

// ---------------------------------------------------------------- transfer and close

function renderTransferTargets(ticket) {
  const options = [];
  if (ticket.queue === 'd5') options.push(new Option(`${QUEUES.d2} · ${langName(ticket.lang)}`, 'queue:d2'));
  for (const lang of Object.keys(LANGUAGES)) {
    if (lang !== ticket.lang)
      options.push(new Option(`${QUEUES[ticket.queue]} · ${langName(lang)}`, `lang:${lang}`));
  }
  $('transfer-to').replaceChildren(...options);
}

function renderOutcomes(ticket) {
  const callback = ticket.reason === 'callback' || Boolean(ticket.callbackPhone);
  const outcomes = ['resolved', 'returned-to-bot', 'abandoned', ...(callback ? ['callback-done'] : [])];
  $('close-outcome').replaceChildren(...outcomes.map((outcome) => new Option(OUTCOMES[outcome], outcome)));
  $('close-outcome').value = callback ? 'callback-done' : 'resolved';
}

async function onTransfer(event) {
  event.preventDefault();
  const ticket = state.current;
  const choice = $('transfer-to').selectedOptions[0];
  if (!ticket || !choice) return;
  const [field, value] = choice.value.split(':');
  const next = await attempt('Transferring', () =>
    api('POST', ticketPath(ticket.id, 'transfer'), { [field]: value }),
  );
  if (next) finishTicket(`Ticket transferred to ${choice.textContent}.`);
}

async function onClose(event) {
  event.preventDefault();
  const ticket = state.current;
  const outcome = $('close-outcome').value;
  if (!ticket) return;
  const closed = await attempt('Closing', () => api('POST', ticketPath(ticket.id, 'close'), { outcome }));
  if (closed) finishTicket(`Ticket closed: ${OUTCOMES[closed.outcome ?? outcome] ?? outcome}.`);
}

function finishTicket(message) {
  state.current = null;
  renderTicket();
  renderQueue();
  showStatus(message);
  $('claim-next').focus();
}

// ---------------------------------------------------------------- start

function wire() {
  $('presence').addEventListener('change', onPresence);
  $('claim-next').addEventListener('click', claimNext);
  $('reply-form').addEventListener('submit', onReply);
  $('reply-text').addEventListener('keydown', onReplyKey);
  $('reply-text').addEventListener('input', signalTyping);
  $('suggest-form').addEventListener('submit', onSuggest);
  $('transfer-form').addEventListener('submit', onTransfer);
  $('close-form').addEventListener('submit', onClose);
}

// Module scripts run once the document is parsed, so every element exists here.
wire();
startSession({ enter: enterDesk, afterSignIn: startWorking, leave: leaveDesk });
