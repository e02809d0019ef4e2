import { ActivityTypes, type CloudAdapter, type ConversationReference } from 'botbuilder';
import {
  CitizenUnreachable,
  type CitizenChannel,
  type CitizenNotice,
  type ConversationRef,
} from '../handoff';
import { noticeActivity, type Translate } from '../dialogs';
import type { Lang } from '../knowledge';
import { setTurnInfo } from './turnInfo';

/**
 * Reaches citizens outside their own turns through the Bot Framework (continueConversationAsync
 * with the reference stored on the ticket), so any bot process can deliver an operator's reply
 * whichever process the citizen's channel calls.
 */
export class ProactiveChannel implements CitizenChannel {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly translate: Translate,
  ) {}

  /**
   * Throws CitizenUnreachable when the channel does not take the message. Caught inside the turn:
   * left to the adapter, the failure would end in its turn-error handler and the caller (an
   * operator replying) would never learn that the citizen did not get it.
   */
  async notify(reference: ConversationRef, notice: CitizenNotice): Promise<void> {
    let failure: unknown;
    await this.adapter.continueConversationAsync(
      this.appId,
      reference as Partial<ConversationReference>,
      async (context) => {
        setTurnInfo(context, { crisisSlug: notice.crisisSlug, lang: notice.lang as Lang });
        try {
          await context.sendActivity(noticeActivity(notice, this.translate));
        } catch (error) {
          failure = error;
        }
      },
    );
    if (failure !== undefined) {
      const reason = failure instanceof Error ? failure.message : String(failure);
      throw new CitizenUnreachable(`the message did not reach the citizen: ${reason}`, { cause: failure });
    }
  }

  async typing(reference: ConversationRef): Promise<void> {
    await this.adapter.continueConversationAsync(
      this.appId,
      reference as Partial<ConversationReference>,
      async (context) => {
        await context.sendActivity({ type: ActivityTypes.Typing });
      },
    );
  }
}
