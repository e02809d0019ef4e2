import {
  ActivityTypes,
  type Activity,
  type Middleware,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { capabilitiesOf } from './capabilities';
import { renderReply } from './replyRendering';

/** A number alone, as citizens answer a numbered list: "2", "2.", " 2) ". */
const CHOICE_NUMBER = /^\s*(\d{1,2})\s*[.)]?\s*$/;

/**
 * A turn the bot starts itself (an operator's reply, a queue update: `continueConversationAsync`),
 * with no citizen message in and no conversation state loaded or saved.
 */
export function isProactiveTurn(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Event && activity.name === 'ContinueConversation';
}

/**
 * Adapts every message the bot sends, in a citizen's turn or proactively, to what the
 * conversation's channel can show (capabilities.ts, replyRendering.ts). Where choices went into
 * the text as a numbered list, the list is kept in conversation state, and a citizen who answers
 * with its number is understood as having said the choice (`readChoiceNumber`): the dialogs,
 * which compare what the citizen says with the offered titles, need to know nothing about channels.
 */
export class ChannelRendering implements Middleware {
  /** `numberedChoices` of conversation state: the list offered in the bot's last reply. */
  constructor(private readonly numberedChoices: StatePropertyAccessor<string[] | undefined>) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const capabilities = capabilitiesOf(context.activity.channelId);
    const withState = !isProactiveTurn(context.activity);

    context.onSendActivities(async (ctx, activities, sendNext) => {
      const rendered = activities.map((activity) =>
        renderReply(activity, capabilities, { numberChoices: withState }),
      );
      let offered: string[] | undefined;
      for (const reply of rendered) offered = reply.numberedChoices ?? offered;
      if (offered) await this.numberedChoices.set(ctx, offered);
      // botbuilder sends the array its handlers were given: it is changed in place.
      activities.splice(0, activities.length, ...rendered.flatMap((r) => r.activities));
      return sendNext();
    });
    await next();
  }

  /**
   * "2" after a numbered list means its second choice; any message ends the list's validity.
   * It reads and changes conversation state, so it runs in the turn, after the conversation's
   * earlier turns: the caller queues it with the bot, unlike middleware, which runs before.
   */
  async readChoiceNumber(context: TurnContext): Promise<void> {
    if (context.activity.type !== ActivityTypes.Message) return;
    const offered = await this.numberedChoices.get(context);
    if (!offered || offered.length === 0) return;
    await this.numberedChoices.delete(context);
    const number = CHOICE_NUMBER.exec(context.activity.text ?? '');
    const choice = number ? offered[Number(number[1]) - 1] : undefined;
    if (choice !== undefined) context.activity.text = choice;
  }
}
