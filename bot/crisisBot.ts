import {
  ActivityHandler,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  detectLanguage,
  langFromLocale,
  requestedLanguage,
  type Lang,
  type LiveContent,
  type LiveCrisis,
} from '../knowledge';
import type { TranscriptEntry } from '../handoff';
import {
  feedbackOf,
  isOutOfTranscript,
  reply,
  setTurn,
  type ConversationData,
  type RouterDialog,
  type Translate,
} from '../dialogs';
import type { Embedder, Vector } from '../semantic';
import {
  classifyInquiry,
  SemanticTriage,
  isPersonRequest,
  routeMessage,
  type Exemplar,
  type InquiryClassification,
} from '../triage';
import { LANGUAGE_EVENT } from '../channels';
import { resolveCrisis, type CrisisResolution } from './crisisResolver';
import { projectRoot } from './paths';
import { setTurnInfo } from './turnInfo';

export const MAX_MESSAGE_LENGTH = 2000;
/** What an operator gets of the conversation before the handoff: enough context, little to store. */
const RECENT_MESSAGES = 6;
const RECENT_TEXT_LENGTH = 280;

export interface CrisisBotDeps {
  conversationState: ConversationState;
  live: LiveContent;
  translate: Translate;
  router: RouterDialog;
  logger: Logger;
  /** The semantic model: a second opinion on victim inquiries, and the message's vector for retrieval. */
  embedder?: Embedder;
  /** What the second opinion's classifier is fitted on (`trainingExemplars`). */
  triageExemplars: readonly Exemplar[];
}

/** Establishes language and crisis for each turn, then hands the message to the dialogs. */
export class CrisisBot extends ActivityHandler {
  private readonly data: StatePropertyAccessor<ConversationData>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogs: DialogSet;
  private readonly semanticTriage: SemanticTriage | undefined;

  constructor(private readonly deps: CrisisBotDeps) {
    super();
    this.semanticTriage =
      deps.embedder &&
      new SemanticTriage({
        embedder: deps.embedder,
        exemplars: deps.triageExemplars,
        cacheDir: path.join(projectRoot(), '.cache'),
        logger: deps.logger,
      });
    this.semanticTriage?.start();
    this.data = deps.conversationState.createProperty<ConversationData>('crisis');
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogs');
    this.dialogs = new DialogSet(this.dialogState).add(deps.router);
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === LANGUAGE_EVENT) await this.switchLanguage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if (context.activity.membersAdded?.some((m) => m.id !== botId)) await this.greet(context);
      await next();
    });
  }

  /** Resolves once the second opinion on victim inquiries can be given (at once without a model). */
  async ready(): Promise<void> {
    await this.semanticTriage?.ready();
  }

  /** Whether the second opinion on victim inquiries is given yet: /healthz says so. */
  get secondOpinionState(): 'ready' | 'fitting' | 'off' {
    if (!this.semanticTriage) return 'off';
    return this.semanticTriage.fitted ? 'ready' : 'fitting';
  }

  /** Stops fitting the triage classifier, if that is still under way. */
  close(): void {
    this.semanticTriage?.stop();
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
  }

  private async greet(context: TurnContext): Promise<void> {
    const data = await this.data.get(context, {});
    const resolution = resolveCrisis(this.deps.live, data, context.activity);
    const fallback: Lang = data.lang ?? langFromLocale(context.activity.locale) ?? 'fr';
    if (resolution.kind !== 'found') {
      await this.sendCrisisChoice(context, resolution, fallback, 'greeting');
      return;
    }
    await this.sendGreeting(context, data, resolution.crisis, fallback);
  }

  /** The citizen picked a language in the chat page: an order, where a message's locale is a hint. */
  private async switchLanguage(context: TurnContext): Promise<void> {
    const lang = langFromLocale(String(context.activity.value ?? ''));
    if (!lang) return;
    const data = await this.data.get(context, {});
    data.lang = lang;
    setTurnInfo(context, { crisisSlug: data.crisisSlug, lang });
    await context.sendActivity(
      reply(this.deps.translate(lang, 'languageSwitched'), { kind: 'language', lang }),
    );
  }

  /** The crisis title and summary, in the citizen's language when the crisis has it. */
  private async sendGreeting(
    context: TurnContext,
    data: ConversationData,
    crisis: LiveCrisis,
    fallback: Lang,
  ) {
    const lang = crisis.content.crisis.languages.includes(fallback)
      ? fallback
      : crisis.content.crisis.languages[0]!;
    data.crisisSlug = crisis.slug;
    data.lang = lang;
    setTurnInfo(context, { crisisSlug: crisis.slug, lang });
    const { title, summary } = crisis.content.crisis;
    const text = this.deps.translate(lang, 'greeting', {
      title: title[lang] ?? Object.values(title)[0],
      summary: summary[lang] ?? Object.values(summary)[0],
    });
    await context.sendActivity(reply(text, { kind: 'greeting', lang }));
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const data = await this.data.get(context, {});
    const t = this.deps.translate;
    const text = (context.activity.text ?? '').trim();
    const detected = detectLanguage(text.slice(0, 500), {
      previous: data.lang,
      locale: context.activity.locale,
    });
    // "my German husband is missing" names a language but is a victim inquiry: D2 comes first.
    const lexicon = classifyInquiry(text, detected);
    const requested = lexicon.decision === 'd5' ? requestedLanguage(text) : undefined;
    const lang = requested ?? detected;
    setTurnInfo(context, { crisisSlug: data.crisisSlug, lang });

    if (text.length === 0) {
      await context.sendActivity(reply(t(lang, 'textOnly'), { kind: 'info', lang }));
      return;
    }
    if (text.length > MAX_MESSAGE_LENGTH) {
      await context.sendActivity(
        reply(t(lang, 'tooLong', { max: MAX_MESSAGE_LENGTH }), { kind: 'info', lang }),
      );
      return;
    }
    data.lang = lang;
    if (requested) {
      await context.sendActivity(reply(t(lang, 'languageSwitched'), { kind: 'language', lang }));
      return;
    }

    const ended = data.crisisSlug ? this.deps.live.ended(data.crisisSlug) : undefined;
    if (ended) {
      const title = ended.title[lang] ?? Object.values(ended.title)[0];
      const text = t(lang, 'crisisEnded', { title, infoNumber: ended.infoNumber });
      await context.sendActivity(reply(text, { kind: 'info', lang }));
      return;
    }
    const resolution = resolveCrisis(this.deps.live, data, context.activity);
    if (resolution.kind !== 'found') {
      await this.sendCrisisChoice(context, resolution, lang, 'info');
      return;
    }
    data.crisisSlug = resolution.crisis.slug;
    setTurnInfo(context, { crisisSlug: data.crisisSlug, lang });
    if (resolution.chosen) {
      await this.sendGreeting(context, data, resolution.crisis, lang);
      return;
    }

    const dialogContext = await this.dialogs.createContext(context);
    // A "yes" or "no" to "was this helpful?" (its whole text) is no question for the model either.
    const answersFeedback =
      data.awaitingFeedbackFor !== undefined && feedbackOf(text, lang, this.deps.translate) !== undefined;
    const inFlow = dialogContext.activeDialog !== undefined || answersFeedback;
    const { inquiry, personRequest, queryVector } = await this.secondOpinion(text, lang, lexicon, inFlow);
    setTurn(context, { text, lang, crisis: resolution.crisis, data, inquiry, personRequest, queryVector });
    const keepInTranscript = this.recordExchange(context, data, text);
    const result = await dialogContext.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dialogContext.beginDialog(this.deps.router.id);
    keepInTranscript();
  }

  /**
   * The message's vector, once per turn, and what the classifiers make of it. A message
   * that answers a flow (the names and phone numbers of a victim inquiry, a ticket's chat) never
   * goes to the model, nor one the lexicon already takes for D2: no opinion could change its route.
   * How a request for a person weighs against a possible victim inquiry: `routeMessage`.
   */
  private async secondOpinion(
    text: string,
    lang: Lang,
    lexicon: InquiryClassification,
    inFlow: boolean,
  ): Promise<{ inquiry: InquiryClassification; personRequest: boolean; queryVector?: Vector }> {
    const { embedder } = this.deps;
    const asksInWords = isPersonRequest(text, lang);
    if (!embedder || inFlow || lexicon.decision === 'd2')
      return routeMessage(lexicon, undefined, asksInWords);
    const queryVector = await embedder.embedQuery(text);
    const opinion = queryVector && this.semanticTriage?.opinion(queryVector, lexicon);
    return { ...routeMessage(lexicon, opinion, asksInWords), queryVector };
  }

  /** Collects the message and the bot's replies; the returned function adds them to `recent` unless the turn was private. */
  private recordExchange(context: TurnContext, data: ConversationData, text: string): () => void {
    const entry = (from: TranscriptEntry['from'], said: string): TranscriptEntry => ({
      at: new Date().toISOString(),
      from,
      text: said.slice(0, RECENT_TEXT_LENGTH),
    });
    const exchange = [entry('citizen', text)];
    context.onSendActivities(async (_context, activities, next) => {
      for (const sent of activities)
        if (sent.type === 'message' && sent.text) exchange.push(entry('bot', sent.text));
      return next();
    });
    return () => {
      if (isOutOfTranscript(context)) return;
      data.recent = [...(data.recent ?? []), ...exchange].slice(-RECENT_MESSAGES);
    };
  }

  private async sendCrisisChoice(
    context: TurnContext,
    resolution: Exclude<CrisisResolution, { kind: 'found' }>,
    lang: Lang,
    kind: 'greeting' | 'info',
  ): Promise<void> {
    const t = this.deps.translate;
    if (resolution.kind === 'none') {
      await context.sendActivity(reply(t(lang, 'noActiveCrisis'), { kind, lang }));
      return;
    }
    const titles = resolution.crises.map(
      (c) => c.content.crisis.title[lang] ?? Object.values(c.content.crisis.title)[0]!,
    );
    await context.sendActivity(reply(t(lang, 'chooseCrisis'), { kind, lang }, titles));
  }
}
