import type { ConversationRef, Queue } from './types';

/**
 * Something said to a citizen outside their own turn (an operator's reply, their place in the
 * queue): by locale keys in the citizen's language, or as the operator's own text.
 */
export interface CitizenNotice {
  kind: 'handoff' | 'operator' | 'info';
  lang: string;
  /** For the interaction log: every message out is counted against its crisis. */
  crisisSlug?: string;
  text?: string;
  /** Locale keys whose texts make up the message, in order. */
  keys?: string[];
  values?: Record<string, unknown>;
  queue?: Queue;
  position?: number;
}

/** Reaches a citizen proactively on their channel; the bot's edge implements it. */
export interface CitizenChannel {
  notify(reference: ConversationRef, notice: CitizenNotice): Promise<void>;
  typing(reference: ConversationRef): Promise<void>;
}
