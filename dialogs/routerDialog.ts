import {
  ComponentDialog,
  WaterfallDialog,
  type WaterfallStepContext,
  type DialogTurnResult,
} from 'botbuilder-dialogs';
import type { SearchOutcome } from '../knowledge';
import { sendAnswer, sendClarify } from './answers';
import { feedbackOf } from './feedback';
import { reply } from './replies';
import { getTurn, type Translate } from './turn';
import {
  VICTIM_INQUIRY_DIALOG,
  VictimInquiryDialog,
  type VictimInquiryOptions,
  type VictimInquiryResult,
  type VictimInquirySettings,
} from './victimInquiryDialog';

const ROUTE = 'route';

interface RouteValues {
  question: string;
}

/**
 * The root of every citizen message once language and crisis are known: decides what the bot
 * does with it. A possible victim inquiry (D2) is decided first, before any FAQ search, and
 * never by the FAQ content: recall matters more than anything else here.
 */
export class RouterDialog extends ComponentDialog {
  constructor(
    private readonly translate: Translate,
    victimInquiry: VictimInquirySettings,
  ) {
    super('router');
    this.addDialog(new VictimInquiryDialog(translate, victimInquiry));
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this), this.afterFlow.bind(this)]));
    this.initialDialogId = ROUTE;
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { text, lang, crisis, data, inquiry } = getTurn(step.context);
    if (inquiry.decision !== 'd5') {
      data.awaitingFeedbackFor = undefined;
      // Kept only until the flow ends, to answer it if the citizen says it is not about a person.
      (step.values as RouteValues).question = text;
      const options: VictimInquiryOptions = {
        lang,
        urgent: inquiry.urgent,
        confirmFirst: inquiry.decision !== 'd2',
      };
      return step.beginDialog(VICTIM_INQUIRY_DIALOG, options);
    }

    if (data.awaitingFeedbackFor) {
      const feedback = feedbackOf(text, lang, this.translate);
      data.awaitingFeedbackFor = undefined;
      if (feedback) {
        const key = feedback === 'yes' ? 'feedbackThanks' : 'feedbackSorry';
        const infoNumber = crisis.content.crisis.infoNumber;
        await step.context.sendActivity(
          reply(this.translate(lang, key, { infoNumber }), { kind: 'info', lang }),
        );
        return step.endDialog();
      }
    }
    await this.answer(step, crisis.retriever.search(text, lang));
    return step.endDialog();
  }

  /** A citizen who said "no, I am not looking for someone" gets an answer to what they asked. */
  private async afterFlow(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as VictimInquiryResult | undefined;
    if (result?.outcome === 'notD2') {
      const { lang, crisis } = getTurn(step.context);
      await this.answer(
        step,
        crisis.retriever.search(result.reroute ?? (step.values as RouteValues).question, lang),
      );
    }
    return step.endDialog();
  }

  private async answer(step: WaterfallStepContext, result: SearchOutcome): Promise<void> {
    const { lang, crisis, data } = getTurn(step.context);
    if (result.decision === 'answer' && result.best) {
      await sendAnswer(step.context, this.translate, crisis, data, result.best.faqId, lang);
    } else {
      const options = result.decision === 'clarify' ? result.candidates.map((c) => c.faqId) : [];
      await sendClarify(step.context, this.translate, crisis, options, lang);
    }
  }
}
