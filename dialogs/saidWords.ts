import { foldAccents, type Lang } from '../knowledge';
import type { Translate } from './turn';

/** The message as a short reply is compared: folded, without punctuation. */
function normalise(text: string): string {
  return foldAccents(text)
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether a short reply is one of the words listed (`a|b|c`) under a locale key, or one of the
 * button titles the bot offered; citizens type them as often as they press the buttons.
 */
export function saysOneOf(
  text: string,
  lang: Lang,
  translate: Translate,
  listKey: string,
  titles: string[] = [],
): boolean {
  const said = normalise(text);
  if (said === '') return false;
  const words = translate(lang, listKey).split('|').map(normalise);
  return words.includes(said) || titles.some((title) => sameWords(title, text));
}

/** Whether a message is a button's title, typed or pressed, give or take case and punctuation. */
export function sameWords(title: string, text: string): boolean {
  const said = normalise(text);
  return said !== '' && normalise(title) === said;
}
