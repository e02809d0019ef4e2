import { detectAll } from 'tinyld';
import { deu, eng, fra, nld } from 'stopword';
import { LANGUAGES, type Lang } from '../models';
import { foldAccents } from './textAnalysis';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** `fr-BE`, `nl_NL`, `de` → the supported language, if any. */
export function langFromLocale(locale: string | undefined): Lang | undefined {
  const base = locale?.slice(0, 2).toLowerCase();
  return isLang(base) ? base : undefined;
}

const STOPWORDS: Record<Lang, Set<string>> = {
  fr: new Set(fra),
  nl: new Set(nld),
  de: new Set(deu),
  en: new Set(eng),
};

/** Names a citizen may use to ask for a language, in any of the four languages (accents folded). */
const LANGUAGE_NAMES: Record<Lang, string[]> = {
  fr: ['francais', 'french', 'frans', 'franzosisch', 'franzoesisch'],
  nl: [
    'nederlands',
    'neerlandais',
    'flamand',
    'vlaams',
    'dutch',
    'flemish',
    'niederlandisch',
    'niederlaendisch',
  ],
  de: ['deutsch', 'allemand', 'duits', 'german'],
  en: ['english', 'anglais', 'engels', 'englisch'],
};

/** Longer messages that merely mention a language ("is the French school open?") are questions, not requests. */
const MAX_SWITCH_WORDS = 5;

function words(text: string): string[] {
  return foldAccents(text).match(/\p{L}+/gu) ?? [];
}

/** The language a citizen explicitly asks for ("in het Nederlands", "English please"), if any. */
export function requestedLanguage(text: string): Lang | undefined {
  const tokens = words(text);
  if (tokens.length === 0 || tokens.length > MAX_SWITCH_WORDS) return undefined;
  for (const lang of LANGUAGES) {
    if (tokens.some((t) => LANGUAGE_NAMES[lang].includes(t))) return lang;
  }
  return undefined;
}

export interface LanguageHints {
  /** The language the conversation was in so far. */
  previous?: Lang;
  /** The client's locale (`activity.locale`): a hint, not an order. */
  locale?: string;
}

/** Messages this short carry too little signal to overrule the conversation's language. */
const SHORT_MESSAGE_WORDS = 3;
const FULL_TRUST_LETTERS = 12;

/**
 * The language of one message. The statistical detector decides long messages; short ones
 * ("ok", "school tomorrow?") lean on stopwords and on the conversation's language, then the locale.
 */
export function detectLanguage(text: string, hints: LanguageHints = {}): Lang {
  const tokens = words(text);
  const fallback = hints.previous ?? langFromLocale(hints.locale) ?? 'en';
  if (tokens.length === 0) return fallback;

  const short = tokens.length <= SHORT_MESSAGE_WORDS;
  const scores = new Map<Lang, number>(LANGUAGES.map((l) => [l, 0]));
  // The statistical detector guesses wildly on a handful of letters ("N63?"): trust it with length.
  const detectorWeight = Math.min(1, tokens.join('').length / FULL_TRUST_LETTERS);
  const detected = detectAll(text, { only: [...LANGUAGES] });
  const total = detected.reduce((sum, d) => sum + d.accuracy, 0);
  for (const d of detected) {
    if (isLang(d.lang) && total > 0) scores.set(d.lang, (detectorWeight * d.accuracy) / total);
  }
  for (const lang of LANGUAGES) {
    // Single letters (elided n', l', d') are stopwords of several languages: no evidence.
    const hits = tokens.filter((t) => t.length > 1 && STOPWORDS[lang].has(t)).length;
    scores.set(lang, (scores.get(lang) ?? 0) + (0.5 * hits) / tokens.length);
  }
  if (hints.previous) scores.set(hints.previous, (scores.get(hints.previous) ?? 0) + (short ? 0.5 : 0.1));
  const localeLang = langFromLocale(hints.locale);
  if (localeLang) scores.set(localeLang, (scores.get(localeLang) ?? 0) + (short ? 0.25 : 0.05));

  let best: Lang = fallback;
  let bestScore = -1;
  for (const [lang, score] of scores) {
    if (score > bestScore) [best, bestScore] = [lang, score];
  }
  return bestScore > 0 ? best : fallback;
}
