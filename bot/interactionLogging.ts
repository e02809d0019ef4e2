import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { InteractionLog } from '../accounting';
import { isProactiveTurn } from '../channels';
import { modelUsageOf, replyMetaOf } from '../dialogs';
import { getTurnInfo } from './turnInfo';

const NO_CRISIS = 'none';

/**
 * Records every message in and out for cost accounting. Recording only buffers: the writes happen
 * in batches off the reply path. The inbound entry carries the kind of the bot's first reply, i.e.
 * what the bot did with the message, and the language-model tokens spent on it.
 */
export class InteractionLogging implements Middleware {
  constructor(private readonly log: InteractionLog) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    // A proactive turn (an operator's reply, a queue update) has no message in, only out.
    const proactive = isProactiveTurn(activity);
    if (activity.type !== ActivityTypes.Message && !proactive) return next();
    const started = Date.now();
    const base = {
      conversationId: activity.conversation.id,
      channelId: activity.channelId,
    };
    let firstKind: string | undefined;
    let firstFaqId: string | undefined;
    let firstOptions: number | undefined;

    context.onSendActivities(async (ctx, activities, sendNext) => {
      const responses = await sendNext();
      const info = getTurnInfo(ctx);
      for (const sent of activities) {
        if (sent.type !== ActivityTypes.Message) continue;
        const meta = replyMetaOf(sent);
        if (firstKind === undefined && meta?.kind !== undefined) firstOptions = meta.options?.length;
        firstKind ??= meta?.kind;
        firstFaqId ??= meta?.faqId;
        this.log.record({
          ...base,
          crisisSlug: info?.crisisSlug ?? NO_CRISIS,
          direction: 'out',
          lang: meta?.lang ?? info?.lang,
          kind: meta?.kind,
          faqId: meta?.faqId,
          options: meta?.options?.length,
          latencyMs: Date.now() - started,
        });
      }
      return responses;
    });

    if (proactive) return next();
    try {
      await next();
    } finally {
      const info = getTurnInfo(context);
      const usage = modelUsageOf(context);
      this.log.record({
        ...base,
        crisisSlug: info?.crisisSlug ?? NO_CRISIS,
        direction: 'in',
        lang: info?.lang,
        kind: firstKind,
        faqId: firstFaqId,
        options: firstOptions,
        tokensIn: usage?.tokensIn,
        tokensOut: usage?.tokensOut,
        at: new Date(started),
      });
    }
  }
}
