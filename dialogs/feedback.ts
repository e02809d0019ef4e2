import type { Lang } from '../knowledge';
import { saysOneOf } from './saidWords';
import type { Translate } from './turn';

/** Reads a reply to "was this helpful?" in the citizen's words; anything else is a new question. */
export function feedbackOf(text: string, lang: Lang, translate: Translate): 'yes' | 'no' | undefined {
  if (saysOneOf(text, lang, translate, 'noWords', [translate(lang, 'helpfulNo')])) return 'no';
  if (saysOneOf(text, lang, translate, 'yesWords', [translate(lang, 'helpfulYes')])) return 'yes';
  return undefined;
}
