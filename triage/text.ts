import { foldAccents } from '../knowledge';
import type { Lang } from '../models';

const APOSTROPHES = /['’‘`´]/g;

/**
 * Splits folded text into word tokens. French elisions split ("l'usine" → "l usine", so "usine" is a
 * word of its own); elsewhere the apostrophe joins ("can't" → "cant", "m'n" → "mn", "oma's" →
 * "omas"), which is also how people type these words when they skip the apostrophe.
 */
export function tokenize(text: string, lang: Lang): string[] {
  return words(foldAccents(text), lang);
}

function words(text: string, lang: Lang): string[] {
  const apostrophe = lang === 'fr' ? ' ' : '';
  return text
    .replace(APOSTROPHES, apostrophe)
    .split(/[^\p{L}0-9]+/u)
    .filter((token) => token.length > 0);
}

/**
 * Per token of tokenize(), whether the citizen capitalised it inside a sentence: a name ("Liège",
 * "Leuven"), to be left alone by typo correction. German capitalises every noun, so there it
 * tells nothing.
 */
export function namePositions(text: string, lang: Lang): boolean[] {
  if (lang === 'de') return [];
  const sentences = text.normalize('NFC').split(/[.!?\n]+/);
  return sentences.flatMap((sentence) =>
    words(sentence, lang).map((word, i) => i > 0 && word[0] !== word[0]!.toLowerCase()),
  );
}
