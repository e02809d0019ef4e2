// The console's state (the signed-in operator, the queue, the open ticket) and how a ticket is named.

import { languageName } from '../shared/languages.js';

export const QUEUES = { d5: 'D5 information', d2: 'D2 specialists' };
export const REASONS = {
  'person-request': 'asked for a person',
  unanswered: 'bot could not answer',
  d2: 'victim inquiry',
  callback: 'callback',
  transfer: 'transferred',
};
export const OUTCOMES = {
  resolved: 'Resolved',
  'returned-to-bot': 'Returned to bot',
  abandoned: 'Abandoned',
  'callback-done': 'Callback done',
  transferred: 'Transferred',
};

export const state = {
  user: null,
  tickets: [],
  current: null,
  unread: new Set(),
  events: null,
  eventsRetry: null,
  queueTimer: null,
  lastTypingAt: 0,
};

export const ticketPath = (id, action = '') =>
  `/api/tickets/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
export const timeOf = (iso) => clock.format(new Date(iso));
const calendar = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const dateOf = (iso) => calendar.format(new Date(iso));
export const minutesSince = (iso) => Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));

export function ticketTitle(ticket) {
  return `${QUEUES[ticket.queue] ?? ticket.queue} · ${languageName(ticket.lang)}`;
}

export function isMine(ticket) {
  return ticket.state === 'assigned' && ticket.assignee?.id === state.user?.id;
}

export function stateText(ticket) {
  if (ticket.state === 'closed')
    return `closed (${OUTCOMES[ticket.outcome] ?? ticket.outcome ?? 'no outcome'})`;
  if (ticket.state === 'waiting') return ticket.position ? `waiting, #${ticket.position}` : 'waiting';
  return isMine(ticket) ? 'with you' : `with ${ticket.assignee?.displayName ?? 'someone else'}`;
}
