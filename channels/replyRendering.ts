import { ActivityTypes, type Activity, type CardAction } from 'botbuilder';
import type { ChannelCapabilities } from './capabilities';
import { markdownToPlainText } from './plainText';
import { splitText } from './textSplitting';

export interface RenderedReply {
  activities: Partial<Activity>[];
  /** What the citizen may answer by number ("2"), in order, when the choices went into the text. */
  numberedChoices?: string[];
}

export interface RenderOptions {
  /**
   * Whether a number the citizen answers can be mapped back to a choice (a turn whose
   * conversation state is saved). Otherwise choices are listed with dashes, to be typed.
   */
  numberChoices: boolean;
}

/** What choosing an action says: its value when it is text (imBack), else its title. */
export function choiceOf(action: CardAction): string {
  return typeof action.value === 'string' && action.value.trim() !== '' ? action.value : action.title;
}

function fitsButtons(actions: CardAction[], capabilities: ChannelCapabilities): boolean {
  const buttons = capabilities.buttons;
  return (
    buttons !== undefined &&
    actions.length <= buttons.max &&
    actions.every(
      (action) =>
        action.title.length <= buttons.maxTitleLength && choiceOf(action).length <= buttons.maxTitleLength,
    )
  );
}

/**
 * One outgoing message as the channel can show it: Markdown made plain where it is not shown,
 * quick replies the channel cannot show as buttons written into the text as a numbered list, and
 * a text longer than the channel takes split into several messages between words. The first
 * message keeps the entities (the `crisis.reply` metadata), the last the buttons.
 */
export function renderReply(
  activity: Partial<Activity>,
  capabilities: ChannelCapabilities,
  options: RenderOptions,
): RenderedReply {
  if (activity.type !== ActivityTypes.Message) return { activities: [activity] };
  const actions = activity.suggestedActions?.actions ?? [];
  const toPlain = !capabilities.markdown && activity.textFormat !== 'plain';
  let text = activity.text ?? '';
  if (toPlain) text = markdownToPlainText(text);

  let suggestedActions = activity.suggestedActions;
  let numberedChoices: string[] | undefined;
  if (actions.length > 0 && !fitsButtons(actions, capabilities)) {
    suggestedActions = undefined;
    const lines = actions.map((action, i) => `${options.numberChoices ? `${i + 1}.` : '-'} ${action.title}`);
    text = [text, lines.join('\n')].filter(Boolean).join('\n\n');
    if (options.numberChoices) numberedChoices = actions.map(choiceOf);
  }

  const chunks = text === '' ? [''] : splitText(text, capabilities.maxTextLength);
  const activities = chunks.map((chunk, i) => {
    const part: Partial<Activity> = { ...activity, text: chunk };
    if (chunk === '' && activity.text === undefined) delete part.text;
    if (toPlain) part.textFormat = 'plain';
    if (i > 0) delete part.entities;
    if (i < chunks.length - 1 || !suggestedActions) delete part.suggestedActions;
    else part.suggestedActions = suggestedActions;
    return part;
  });
  return { activities, ...(numberedChoices ? { numberedChoices } : {}) };
}
