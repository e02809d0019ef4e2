// The queue: the tickets waiting and the operator's own, and taking one of them on.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, button, el, replaceKeepingFocus, showStatus } from '../shared/ui.js';
import { isMine, minutesSince, REASONS, state, stateText, ticketPath, ticketTitle } from './tickets.js';
import { renderTicket } from './ticketView.js';

export function renderQueue() {
  const ordered = [...state.tickets].sort(
    (a, b) => Number(isMine(b)) - Number(isMine(a)) || (a.position ?? 0) - (b.position ?? 0),
  );
  replaceKeepingFocus($('queue-list'), 'data-ticket-id', ordered.map(queueItem));
  $('queue-empty').hidden = state.tickets.length > 0;
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

export async function claimNext() {
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
