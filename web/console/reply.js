// Answering the citizen: the reply box (with the typing signal the citizen sees), and the FAQ
// answers the operator can look up and insert into it.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, button, el, setBusy, showStatus } from '../shared/ui.js';
import { onMessage } from './events.js';
import { faqQuestionOffer } from './faqQuestion.js';
import { isMine, state, ticketPath } from './tickets.js';
import { renderControls } from './ticketView.js';

/** The API's limit; the citizen sees a typing indicator for a few seconds per signal. */
const TYPING_INTERVAL_MS = 3000;

export async function onReply(event) {
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

export function signalTyping() {
  const ticket = state.current;
  if (!ticket || !isMine(ticket) || Date.now() - state.lastTypingAt < TYPING_INTERVAL_MS) return;
  state.lastTypingAt = Date.now();
  // Best effort: a lost typing indicator is not worth interrupting the operator for.
  api('POST', ticketPath(ticket.id, 'typing')).catch(() => {});
}

export async function onSuggest(event) {
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
