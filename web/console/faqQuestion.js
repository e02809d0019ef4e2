// "Add this question to the FAQ": once an operator answers a D5 citizen with a suggested entry,
// the citizen's question can go to the crisis's unanswered inbox, where communicators teach it
// to the FAQ (docs/operator-api.md). D2 tickets never offer it: their words stay with D2 staff.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { button, showStatus } from '../shared/ui.js';
import { ticketPath } from './tickets.js';

/** A hidden button for one suggestion; `show()` offers it once the suggestion's answer is used. */
export function faqQuestionOffer(ticket, faqId) {
  const node = button('Add this question to the FAQ', 'secondary faq-question', async () => {
    node.disabled = true;
    const done = await attempt('Adding the question to the FAQ inbox', () =>
      api('POST', ticketPath(ticket.id, 'faq-question'), { faqId }),
    );
    if (done) {
      node.textContent = 'Question sent to the FAQ inbox';
      showStatus("The citizen's question is in the communicators' inbox, next to this entry.");
    } else node.disabled = false;
  });
  node.hidden = true;
  return {
    node,
    show() {
      node.hidden = ticket.queue !== 'd5';
    },
  };
}
