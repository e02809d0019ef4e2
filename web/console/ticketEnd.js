// Letting a ticket go: transferred to another queue or language, or closed with an outcome.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, showStatus } from '../shared/ui.js';
import { renderQueue } from './queue.js';
import { OUTCOMES, state, ticketPath } from './tickets.js';
import { renderTicket } from './ticketView.js';

export async function onTransfer(event) {
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

export async function onClose(event) {
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
