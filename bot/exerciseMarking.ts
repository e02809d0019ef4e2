import { ActivityTypes, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import { replyMetaOf, type Translate } from '../dialogs';
import { isLang, type Lang } from '../knowledge';
import { getTurnInfo } from './turnInfo';

/**
 * Marks every message sent in a conversation of an exercise, in citizens' turns and proactive ones
 * (an operator's reply, a queue update), as emergency services do on the radio: the marker in the
 * reply's language heads the text, and the `crisis.reply` entity says `exercise: true`. One place
 * for every dialog and channel; registered before the channel rendering, which then adapts the
 * marked text like any other.
 */
export class ExerciseMarking implements Middleware {
  constructor(
    private readonly isExercise: (slug: string | undefined) => boolean,
    private readonly translate: Translate,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities(async (ctx, activities, sendNext) => {
      const info = getTurnInfo(ctx);
      if (!this.isExercise(info?.crisisSlug)) return sendNext();
      for (const activity of activities) {
        if (activity.type === ActivityTypes.Message) this.mark(activity, info?.lang);
      }
      return sendNext();
    });
    await next();
  }

  private mark(activity: Partial<Activity>, turnLang: Lang | undefined): void {
    const meta = replyMetaOf(activity);
    const lang = [meta?.lang, activity.locale, turnLang].find((l) => isLang(l)) ?? 'en';
    const said = this.translate(lang, 'exerciseMarker');
    const marker = activity.textFormat === 'plain' ? said : `**${said}**`;
    activity.text = activity.text ? `${marker} · ${activity.text}` : marker;
    if (meta) meta.exercise = true;
  }
}
