import { ActivityTypes, type Activity, type CardAction, type Entity } from 'botbuilder';
import type { Lang } from '../knowledge';

type ReplyKind = 'answer' | 'd2' | 'handoff' | 'clarify' | 'greeting' | 'info' | 'language' | 'operator';

/** What the bot did with a citizen's message (contract.md, "Reply metadata"). */
export interface ReplyMeta {
  kind: ReplyKind;
  lang: Lang;
  faqId?: string;
  queue?: 'd5' | 'd2';
  position?: number;
  options?: string[];
  /** An answer written by the language model from the entries (faqId names the main one). */
  generated?: boolean;
  /** The conversation is of an exercise (set on every message by bot/exerciseMarking.ts). */
  exercise?: boolean;
}

const REPLY_ENTITY_TYPE = 'crisis.reply';

function replyEntity(meta: ReplyMeta): Entity {
  return { type: REPLY_ENTITY_TYPE, ...meta };
}

export function replyMetaOf(activity: Partial<Activity>): ReplyMeta | undefined {
  const entity = activity.entities?.find((e) => e.type === REPLY_ENTITY_TYPE);
  return entity as unknown as ReplyMeta | undefined;
}

/** A text reply carrying its metadata, with optional quick replies. */
export function reply(text: string, meta: ReplyMeta, quickReplies: string[] = []): Partial<Activity> {
  const activity: Partial<Activity> = {
    type: ActivityTypes.Message,
    text,
    textFormat: 'markdown',
    locale: meta.lang,
    entities: [replyEntity(meta)],
  };
  if (quickReplies.length > 0) {
    const actions: CardAction[] = quickReplies.map((title) => ({ type: 'imBack', title, value: title }));
    activity.suggestedActions = { actions, to: [] };
  }
  return activity;
}
