import { TurnContext } from 'botbuilder';
import type { TranscriptEntry } from '../handoff';
import { addUsage, NO_USAGE, type Lang, type LiveCrisis, type ModelUsage } from '../knowledge';
import type { Vector } from '../semantic';
import type { InquiryClassification } from '../triage';

/** What the bot keeps per conversation (in the `botstate` collection, through ConversationState). */
export interface ConversationData {
  crisisSlug?: string;
  lang?: Lang;
  /** The entry just answered, while its "was this helpful?" question is open. */
  awaitingFeedbackFor?: string;
  /** The citizen's question that entry answered, for the inbox when they say it did not help. */
  feedbackQuestion?: string;
  /** Clarifications in a row: the second hands the citizen to an operator. */
  clarifyStreak?: number;
  /** The entries the last reply offered to choose from, and the inbox's id of the question asked. */
  clarified?: { options: string[]; messageId?: string };
  /** The last messages with the bot, handed to the operator with a ticket (stored encrypted). */
  recent?: TranscriptEntry[];
}

/** What the bot has established about the current message before any flow runs. */
export interface Turn {
  text: string;
  lang: Lang;
  crisis: LiveCrisis;
  data: ConversationData;
  /** Whether the message is about a person who may be affected (D2), decided before anything else. */
  inquiry: InquiryClassification;
  /** Whether a message read as general asks for a person instead of the bot. */
  personRequest: boolean;
  /** The message's embedding, when the model answered in time; absent means word search alone. */
  queryVector?: Vector;
}

const TURN_KEY = Symbol('crisis.turn');
const PRIVATE_KEY = Symbol('crisis.outOfTranscript');
const USAGE_KEY = Symbol('crisis.modelUsage');

export function setTurn(context: TurnContext, turn: Turn): void {
  context.turnState.set(TURN_KEY, turn);
}

export function getTurn(context: TurnContext): Turn {
  const turn = context.turnState.get(TURN_KEY) as Turn | undefined;
  if (!turn) throw new Error('turn not established before the dialog ran');
  return turn;
}

/**
 * Where a ticket opened in this turn comes from: the crisis, the citizen's conversation and
 * channel, their language, and the reference an operator's replies are sent back through.
 */
export function ticketOrigin(context: TurnContext, lang: Lang) {
  const { activity } = context;
  return {
    crisisSlug: getTurn(context).crisis.slug,
    conversationId: activity.conversation.id,
    channelId: activity.channelId,
    lang,
    reference: TurnContext.getConversationReference(activity) as Record<string, unknown>,
  };
}

/** Bot strings from the i18next locale files (see bot/i18n.ts). */
export type Translate = (lang: Lang, key: string, values?: Record<string, unknown>) => string;

/** This turn is not added to `recent`: D2 intake answers, or messages a ticket already records. */
export function keepOutOfTranscript(context: TurnContext): void {
  context.turnState.set(PRIVATE_KEY, true);
}

export function isOutOfTranscript(context: TurnContext): boolean {
  return context.turnState.get(PRIVATE_KEY) === true;
}

/** Counts language-model tokens spent on this message, for the interaction log. */
export function addModelUsage(context: TurnContext, usage: ModelUsage): void {
  context.turnState.set(USAGE_KEY, addUsage(modelUsageOf(context) ?? NO_USAGE, usage));
}

/** Tokens spent on this message; undefined when no language model was asked. */
export function modelUsageOf(context: TurnContext): ModelUsage | undefined {
  return context.turnState.get(USAGE_KEY) as ModelUsage | undefined;
}
