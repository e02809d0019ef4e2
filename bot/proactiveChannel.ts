import { ActivityTypes, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { CitizenChannel, CitizenNotice, ConversationRef } from '../handoff';
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

  async notify(reference: ConversationRef, notice: CitizenNotice): Promise<void> {
    await this.adapter.continueConversationAsync(
      this.appId,
      reference as Partial<ConversationReference>,
      async (context) => {
        setTurnInfo(context, { crisisSlug: notice.crisisSlug, lang: notice.lang as Lang });
        await context.sendActivity(noticeActivity(notice, this.translate));
      },
    );
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
