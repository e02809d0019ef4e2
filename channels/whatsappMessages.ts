import type { Activity, CardAction } from 'botbuilder';
import { choiceOf } from './replyRendering';
import { splitText } from './textSplitting';

/** Limits of the Cloud API's message objects. */
const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
} as const;

/** A message object as `POST /{phone-number-id}/messages` takes it. */
export type GraphMessage = Record<string, unknown> & { type: 'text' | 'interactive' };

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${splitText(text, max - 1)[0]}…`;
}

function textMessage(to: string, body: string): GraphMessage {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'text',
    text: { body, preview_url: /https?:\/\//.test(body) },
  };
}

/** Reply buttons when the choices fit them, else a list whose rows show a longer choice in their description. */
function choicesAction(actions: CardAction[], listButton: string): { type: string; action: unknown } {
  // The id comes back when the citizen taps: it is what choosing says, as if typed.
  if (actions.length <= LIMITS.buttons && actions.every((a) => a.title.length <= LIMITS.buttonTitle)) {
    return {
      type: 'button',
      action: {
        buttons: actions.map((a) => ({ type: 'reply', reply: { id: choiceOf(a), title: a.title } })),
      },
    };
  }
  const rows = actions.slice(0, LIMITS.rows).map((a) => ({
    id: choiceOf(a),
    title: shorten(a.title, LIMITS.rowTitle),
    ...(a.title.length > LIMITS.rowTitle ? { description: shorten(a.title, LIMITS.rowDescription) } : {}),
  }));
  return { type: 'list', action: { button: shorten(listButton, LIMITS.buttonTitle), sections: [{ rows }] } };
}

/** A text too long for an interactive body: its last paragraph (else its last words) as the body. */
function withLastPart(text: string, max: number): { before: string; body: string } {
  if (text.length <= max) return { before: '', body: text };
  const lastParagraph = text.slice(text.lastIndexOf('\n\n') + 1).trim();
  const body = lastParagraph.length <= max ? lastParagraph : splitText(text, max).at(-1)!;
  return { before: text.slice(0, text.lastIndexOf(body)), body };
}

/**
 * The WhatsApp messages for one bot message (already rendered for the channel: plain text, at
 * most ten choices of at most 72 characters): its text, and its choices as an interactive message
 * whose body is the text's last part, so the question and its buttons arrive together.
 */
export function graphMessagesFor(
  activity: Partial<Activity>,
  to: string,
  listButton: string,
): GraphMessage[] {
  const actions = activity.suggestedActions?.actions ?? [];
  const text = activity.text ?? '';
  if (actions.length === 0) return splitText(text, LIMITS.text).map((body) => textMessage(to, body));
  const { before, body } = withLastPart(text, LIMITS.interactiveBody);
  const { type, action } = choicesAction(actions, listButton);
  return [
    ...splitText(before, LIMITS.text).map((part) => textMessage(to, part)),
    {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'interactive',
      interactive: { type, body: { text: body || listButton }, action },
    },
  ];
}
