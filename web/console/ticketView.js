// The open ticket: its heading, the callback number, the D2 intake, the transcript, and which of
// the reply, suggestion, transfer and close forms the operator may use.

import { LANGUAGE_NAMES, languageName } from '../shared/languages.js';
import { $, el, setBusy } from '../shared/ui.js';
import {
  dateOf,
  isMine,
  OUTCOMES,
  QUEUES,
  REASONS,
  state,
  stateText,
  ticketTitle,
  timeOf,
} from './tickets.js';

const AUTHORS = { citizen: 'Citizen', bot: 'Bot', operator: 'Operator', system: 'System' };
const INTAKE_LABELS = {
  callerName: 'Caller',
  callerPhone: 'Caller phone',
  relation: 'Relation',
  personName: 'Person sought',
  personAge: 'Age',
  description: 'Description',
  lastSeen: 'Last seen',
};

export function renderTicket() {
  const ticket = state.current;
  $('ticket-view').hidden = !ticket;
  $('no-ticket').hidden = Boolean(ticket);
  if (!ticket) return;
  renderTicketHead();
  renderCallback(ticket);
  renderIntake(ticket.intake);
  $('transcript').replaceChildren(...ticket.transcript.map(messageItem));
  scrollTranscript();
  renderTransferTargets(ticket);
  renderOutcomes(ticket);
  renderControls();
}

export function renderTicketHead() {
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
export function renderControls() {
  const ticket = state.current;
  const mine = Boolean(ticket) && isMine(ticket);
  const open = Boolean(ticket) && ticket.state !== 'closed';
  setBusy($('reply-form'), !mine);
  setBusy($('suggest-form'), !open);
  setBusy($('transfer-form'), !open || $('transfer-to').options.length === 0);
  setBusy($('close-form'), !open);
}

/** The number to call back, or when retention deleted it (the callback can still be closed as done). */
function renderCallback({ callbackPhone: phone, callbackPhoneDeletedAt: deletedAt }) {
  $('callback').hidden = !phone && !deletedAt;
  $('callback-number').hidden = !phone;
  const link = $('callback-phone');
  link.textContent = phone ?? '';
  if (phone) link.href = `tel:${phone.replace(/[^+\d]/g, '')}`;
  else link.removeAttribute('href');
  $('callback-deleted').hidden = Boolean(phone) || !deletedAt;
  const when = $('callback-deleted-at');
  when.textContent = deletedAt ? dateOf(deletedAt) : '';
  when.dateTime = deletedAt ?? '';
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

export function appendToTranscript(message) {
  $('transcript').append(messageItem(message));
  scrollTranscript();
}

function scrollTranscript() {
  const transcript = $('transcript');
  transcript.scrollTop = transcript.scrollHeight;
}

function renderTransferTargets(ticket) {
  const options = [];
  if (ticket.queue === 'd5')
    options.push(new Option(`${QUEUES.d2} · ${languageName(ticket.lang)}`, 'queue:d2'));
  for (const lang of Object.keys(LANGUAGE_NAMES)) {
    if (lang !== ticket.lang)
      options.push(new Option(`${QUEUES[ticket.queue]} · ${languageName(lang)}`, `lang:${lang}`));
  }
  $('transfer-to').replaceChildren(...options);
}

function renderOutcomes(ticket) {
  // As the API decides: a number to call, one retention deleted, or a callback ticket.
  const callback =
    ticket.reason === 'callback' || Boolean(ticket.callbackPhone) || Boolean(ticket.callbackPhoneDeletedAt);
  const outcomes = ['resolved', 'returned-to-bot', 'abandoned', ...(callback ? ['callback-done'] : [])];
  $('close-outcome').replaceChildren(...outcomes.map((outcome) => new Option(OUTCOMES[outcome], outcome)));
  $('close-outcome').value = callback ? 'callback-done' : 'resolved';
}
