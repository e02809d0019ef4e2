import {
  ComponentDialog,
  WaterfallDialog,
  type WaterfallStepContext,
  type DialogTurnResult,
} from 'botbuilder-dialogs';
import type { HandoffDesk } from '../handoff';
import type { UnansweredInbox } from '../inbox';
import {
  groundingCandidates,
  type GroundedAnswers,
  type GroundedOutcome,
  type Lang,
  type SearchOutcome,
} from '../knowledge';
import type { Embedder, Vector } from '../semantic';
import { sendAnswer, sendClarify, sendGeneratedAnswer } from './answers';
import { feedbackOf } from './feedback';
import { HANDOFF_DIALOG, HandoffDialog, type HandoffOptions, type HandoffResult } from './handoffDialog';
import { reply } from './replies';
import { sameWords } from './saidWords';
import { addModelUsage, getTurn, type Translate } from './turn';
import {
  VICTIM_INQUIRY_DIALOG,
  VictimInquiryDialog,
  type OfferedEntry,
  type VictimInquiryOptions,
  type VictimInquiryResult,
  type VictimInquirySettings,
} from './victimInquiryDialog';

const ROUTE = 'route';
/** The clarification after which the citizen goes to an operator instead of being asked again. */
const CLARIFY_LIMIT = 2;
/** How many entries a clarification offers at most (contract: up to three). */
const MAX_OPTIONS = 3;

interface RouteValues {
  question: string;
  /** The message also asked for a person: if it is no victim inquiry, a person it gets. */
  personRequest: boolean;
}

/** A message triage left to the FAQ from the start: the only kind the inbox may keep. */
interface Collectable {
  text: string;
  vector?: Vector;
}

export interface RouterSettings extends Omit<VictimInquirySettings, 'desk'> {
  desk: HandoffDesk;
  /** Set when a language model is configured: answers the questions the retrieval is unsure of. */
  grounded?: GroundedAnswers;
  /** The embeddings model, for a question asked in an earlier turn (the turn's own has its vector). */
  embedder?: Embedder;
  /** Where the questions the FAQ could not answer go, for the communicators. */
  inbox?: UnansweredInbox;
}

/**
 * The root of every citizen message once language and crisis are known: decides what the bot
 * does with it. A possible victim inquiry (D2) is decided first, before any FAQ search, and
 * never by the FAQ content: recall matters more than anything else here. When triage is only
 * unsure, the yes/no question comes with the entries the message may be asking about instead,
 * so that a general question taken for an inquiry is one choice away. Then a request for a
 * person, then the FAQ; a citizen the FAQ fails twice in a row goes to an operator. With a
 * language model, a question the retrieval is unsure of (or that combines entries) is answered by
 * the model from the nearest entries; only a message of this turn that triage called D5 is ever
 * sent to it, never one that was taken for a possible victim inquiry, nor intake answers.
 */
export class RouterDialog extends ComponentDialog {
  private readonly grounded: GroundedAnswers | undefined;
  private readonly embedder: Embedder | undefined;
  private readonly inbox: UnansweredInbox | undefined;

  constructor(
    private readonly translate: Translate,
    settings: RouterSettings,
  ) {
    super('router');
    this.grounded = settings.grounded;
    this.embedder = settings.embedder;
    this.inbox = settings.inbox;
    this.addDialog(new VictimInquiryDialog(translate, settings));
    this.addDialog(new HandoffDialog(translate, settings.desk));
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this), this.afterFlow.bind(this)]));
    this.initialDialogId = ROUTE;
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { text, lang, crisis, data, inquiry, personRequest, queryVector } = getTurn(step.context);
    // A choice is a reply to the last message only.
    const clarified = data.clarified;
    data.clarified = undefined;
    if (inquiry.decision !== 'd5') {
      data.awaitingFeedbackFor = undefined;
      // Kept only until the flow ends, to answer it if the citizen says it is not about a person.
      Object.assign(step.values, { question: text, personRequest } satisfies RouteValues);
      const confirmFirst = inquiry.decision !== 'd2';
      const options: VictimInquiryOptions = {
        lang,
        urgent: inquiry.urgent,
        confirmFirst,
        aboutTheWriterAlone: inquiry.aboutTheWriterAlone,
        // A message that may be about someone in danger now gets the yes/no question alone, no list.
        ...(confirmFirst && !inquiry.urgent ? { offered: await this.offered(step, text, queryVector) } : {}),
      };
      return step.beginDialog(VICTIM_INQUIRY_DIALOG, options);
    }
    if (personRequest) {
      data.awaitingFeedbackFor = undefined;
      return step.beginDialog(HANDOFF_DIALOG, personHandoff(lang));
    }

    if (data.awaitingFeedbackFor) {
      const feedback = feedbackOf(text, lang, this.translate);
      const answered = { faqId: data.awaitingFeedbackFor, question: data.feedbackQuestion };
      data.awaitingFeedbackFor = undefined;
      data.feedbackQuestion = undefined;
      if (feedback === 'no' && answered.question) {
        // Its vector was made when it was asked: the model's cache answers at once.
        const vector = await this.embedder?.embedQuery(answered.question);
        this.inbox?.collect({
          crisisSlug: crisis.slug,
          text: answered.question,
          lang,
          source: 'unhelpful',
          closestFaqId: answered.faqId,
          ...(vector ? { vector } : {}),
        });
      }
      if (feedback) {
        const key = feedback === 'yes' ? 'feedbackThanks' : 'feedbackSorry';
        const infoNumber = crisis.content.crisis.infoNumber;
        await step.context.sendActivity(
          reply(this.translate(lang, key, { infoNumber }), { kind: 'info', lang }),
        );
        return step.endDialog();
      }
    }
    const chosen = clarified?.options.find((id) => {
      const question = crisis.retriever.getFaq(id, lang)?.question;
      return question !== undefined && sameWords(question, text);
    });
    if (chosen) {
      if (clarified?.messageId) this.inbox?.noteChoice(crisis.slug, clarified.messageId, chosen);
      return this.answerChosen(step, chosen);
    }
    // The turn's vector when triage made one; else asked now (the same message is then a cache hit).
    const vector = queryVector ?? (await this.embedder?.embedQuery(text));
    const outcome = crisis.retriever.search(text, lang, vector);
    return this.answer(step, outcome, await this.generate(step, text, outcome), { text, vector });
  }

  /** What follows a flow: a D2 ticket waits for the specialists; a message meant for the bot is answered. */
  private async afterFlow(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as VictimInquiryResult | HandoffResult | undefined;
    const { lang, crisis } = getTurn(step.context);
    if (result && 'outcome' in result) {
      if (result.outcome === 'done' && result.ticketId) {
        return step.beginDialog(HANDOFF_DIALOG, { lang, ticketId: result.ticketId } satisfies HandoffOptions);
      }
      if (result.outcome === 'notD2') {
        if (result.anotherMessage) return step.replaceDialog(ROUTE);
        const { question, personRequest } = step.values as RouteValues;
        if (result.chosen && crisis.retriever.getFaq(result.chosen, lang))
          return this.answerChosen(step, result.chosen);
        if (personRequest) return step.beginDialog(HANDOFF_DIALOG, personHandoff(lang));
        // The citizen said the message is not about a person: it is a general question after all.
        const vector = await this.embedder?.embedQuery(question);
        return this.answer(step, crisis.retriever.search(question, lang, vector));
      }
    }
    if (result && 'reroute' in result && result.reroute) return step.replaceDialog(ROUTE);
    return step.endDialog();
  }

  /** Answers the entry the citizen picked among those offered: a choice ends a run of clarifications. */
  private async answerChosen(step: WaterfallStepContext, faqId: string): Promise<DialogTurnResult> {
    const { lang, crisis, data } = getTurn(step.context);
    data.clarifyStreak = 0;
    await sendAnswer(step.context, this.translate, crisis, data, faqId, lang);
    return step.endDialog();
  }

  /**
   * The entries a message taken for a possible victim inquiry may be asking about instead: the
   * options a clarification would offer. The decision to ask was made before, without them.
   */
  private async offered(
    step: WaterfallStepContext,
    text: string,
    queryVector: Vector | undefined,
  ): Promise<OfferedEntry[]> {
    const { lang, crisis } = getTurn(step.context);
    const vector = queryVector ?? (await this.embedder?.embedQuery(text));
    const outcome = crisis.retriever.search(text, lang, vector);
    if (outcome.decision === 'none') return [];
    return clarifyOptions(outcome)
      .slice(0, MAX_OPTIONS)
      .map((faqId) => ({ faqId, question: crisis.retriever.getFaq(faqId, lang)?.question ?? faqId }));
  }

  /** The model's answer when one is configured and the retrieval needs it; its tokens are counted. */
  private async generate(
    step: WaterfallStepContext,
    question: string,
    outcome: SearchOutcome,
  ): Promise<GroundedOutcome | undefined> {
    const candidates = groundingCandidates(outcome);
    if (!this.grounded || !candidates) return undefined;
    const { lang, crisis } = getTurn(step.context);
    const entries = candidates
      .map((c) => crisis.retriever.getFaq(c.faqId, lang))
      .filter((e) => e !== undefined);
    const generated = await this.grounded.answer({ question, lang, entries });
    addModelUsage(step.context, generated.usage);
    return generated;
  }

  /**
   * Answers from the model when it answered, else from the retrieval as without a model; when the
   * model found the entries do not cover the question, the bot clarifies (or hands over) instead.
   * A `collectable` question that is not answered goes to the inbox; one that is answered is kept
   * until the citizen says whether it helped. Only the router's own first search passes one: a
   * message that went to the victim-inquiry flow first is never collected.
   */
  private async answer(
    step: WaterfallStepContext,
    result: SearchOutcome,
    generated?: GroundedOutcome,
    collectable?: Collectable,
  ): Promise<DialogTurnResult> {
    const { lang, crisis, data } = getTurn(step.context);
    if (generated?.kind === 'answer') {
      data.clarifyStreak = 0;
      await sendGeneratedAnswer(step.context, this.translate, crisis, data, generated, lang);
      data.feedbackQuestion = collectable?.text;
      return step.endDialog();
    }
    if (result.decision === 'answer' && result.best && generated?.kind !== 'not-covered') {
      data.clarifyStreak = 0;
      await sendAnswer(step.context, this.translate, crisis, data, result.best.faqId, lang);
      data.feedbackQuestion = collectable?.text;
      return step.endDialog();
    }
    let messageId: string | undefined;
    if (collectable) {
      const closestFaqId = (result.best ?? result.nearest[0] ?? result.ranked[0])?.faqId;
      messageId = this.inbox?.collect({
        crisisSlug: crisis.slug,
        text: collectable.text,
        lang,
        source: result.decision === 'none' ? 'none' : 'clarify',
        ...(collectable.vector ? { vector: collectable.vector } : {}),
        ...(closestFaqId ? { closestFaqId } : {}),
      });
    }
    data.clarifyStreak = (data.clarifyStreak ?? 0) + 1;
    if (data.clarifyStreak >= CLARIFY_LIMIT) {
      data.clarifyStreak = 0;
      return step.beginDialog(HANDOFF_DIALOG, {
        lang,
        queue: 'd5',
        reason: 'unanswered',
      } satisfies HandoffOptions);
    }
    const options = result.decision === 'none' ? [] : clarifyOptions(result);
    await sendClarify(step.context, this.translate, crisis, options, lang);
    if (options.length > 0) data.clarified = { options, ...(messageId ? { messageId } : {}) };
    return step.endDialog();
  }
}

/** A citizen who asked for a person goes to the operators' queue. */
function personHandoff(lang: Lang): HandoffOptions {
  return { lang, queue: 'd5', reason: 'person-request' };
}

/**
 * The entries a clarification offers: a choice, never a single option. The word search can find
 * one plausible entry alone; the next ones it matched at all complete the choice.
 */
function clarifyOptions(result: SearchOutcome): string[] {
  const plausible = result.candidates.map((c) => c.faqId);
  if (plausible.length !== 1) return plausible;
  const others = result.ranked.map((c) => c.faqId).filter((id) => id !== plausible[0]);
  return [...plausible, ...others].slice(0, MAX_OPTIONS);
}
