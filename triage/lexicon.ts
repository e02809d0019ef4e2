import type { Lang } from '../models';
import de from './lexicon/de.json';
import en from './lexicon/en.json';
import fr from './lexicon/fr.json';
import nl from './lexicon/nl.json';
import realWords from './lexicon/real-words.json';
import { coveredByWildcard, exactWords, parsePattern, PhraseSet, wildcardPieces } from './patterns';
import { TypoCorrector } from './typos';

/**
 * The phrase lists of a lexicon file (triage/lexicon/{lang}.json). Kept in data so that the
 * specialists can review and extend the wording per language without reading code.
 */
export const LISTS = [
  /** first-person possessives: "my", "mon", "m'n", "meinen" */
  'possessive',
  /** relatives and people one is tied to: mother, son, colleague, neighbour */
  'kin',
  /** person words that are about someone specific only with a possessive: man, woman, child, baby */
  'person',
  /** third-person references: he, him, elle, hem, ihn */
  'pronoun',
  /** first-person subjects: I, je, ik, wir */
  'self',
  /** animals: never persons */
  'animal',
  /** looking for someone */
  'search',
  /** contact lost: can't reach, no news, missing, not come home */
  'contact',
  /** the fate of someone named: alive?, how is he, got out?, "then nothing": about a person only */
  'fate',
  'worry',
  /** injured, dead, victims, taken to hospital */
  'harm',
  /** hospital, ambulance: harm only when said about someone */
  'harmWeak',
  /** ill or exposed: fever, vomiting, burning eyes, contaminated */
  'illness',
  /** immediate danger: call 112 first */
  'urgent',
  /** being somewhere: was, works, lives, was camping */
  'presence',
  /** where a disaster happens: the plant, the station, the fire, there */
  'scene',
  /** past times and durations: this morning, since, for hours */
  'time',
  /** cues of an information question: can I, should, open, appointment */
  'info',
  /** things one fails to reach or looks for that are not persons: the hotline, the school, a flat */
  'notAboutPerson',
  /** phrases whose words mean something else here ("aller chercher" = fetch): masked first */
  'neutral',
  /** asking for a human: "operator", "echte persoon" */
  'personRequestTarget',
  /** talk, speak, sprechen */
  'personRequestVerb',
  /** complete requests: "human please", "pas un robot" */
  'personRequest',
  /** the bot itself: robot, chatbot, computer (with someone named, turning from it to a person) */
  'personRequestMachine',
] as const;
export type ListName = (typeof LISTS)[number];

/**
 * The lists whose words a typo is corrected to: the words that carry the decision. Function words,
 * places and times are left out: they are one edit away from too many ordinary words ("votre" →
 * "notre", "right" → "night", "haben" → "hafen"), and so are symptoms ("never" → "fever",
 * "Frank" → "krank"), which the semantic second opinion reads misspelt.
 */
const TYPO_TARGETS: ListName[] = [
  'kin',
  'person',
  'search',
  'contact',
  'fate',
  'worry',
  'harm',
  'harmWeak',
  'urgent',
  'personRequestTarget',
  'personRequestVerb',
  'personRequest',
];

type LexiconFile = Record<ListName | 'notTypos', string[]>;

export interface Lexicon {
  lists: Record<ListName, PhraseSet>;
  /** A token's lexicon word if it looks like a typo of one, else the token. */
  spell(token: string): string;
}

const FILES: Record<Lang, unknown> = { fr, nl, de, en };
const REAL_WORDS = realWords as Record<Lang, string[]>;

/** The phrase lists as shipped: what a fit that reads the lexicon's signals must be keyed by. */
export function lexiconFiles(): Readonly<Record<string, unknown>> {
  return { ...FILES, realWords: REAL_WORDS };
}
const cache = new Map<Lang, Lexicon>();

function listsOf(file: LexiconFile, lang: Lang): Record<ListName, PhraseSet> {
  const lists = {} as Record<ListName, PhraseSet>;
  for (const name of LISTS) {
    if (!Array.isArray(file[name])) throw new Error(`triage lexicon ${lang}: list "${name}" is missing`);
    lists[name] = new PhraseSet(file[name].map((source) => parsePattern(source, lang)));
  }
  return lists;
}

/**
 * What typo correction works with in a language, before the generated list of real words is added
 * to `known`: the words a typo is corrected to, and the words never corrected (the lexicon's own
 * and its `notTypos`). scripts/realWords.ts reads it to find the real words it would change.
 */
export function typoVocabulary(lang: Lang): TypoVocabulary {
  const file = FILES[lang] as LexiconFile;
  return vocabularyOf(file, listsOf(file, lang), lang);
}

interface TypoVocabulary {
  targets: string[];
  known: Set<string>;
}

function vocabularyOf(file: LexiconFile, lists: Record<ListName, PhraseSet>, lang: Lang): TypoVocabulary {
  const patterns = LISTS.flatMap((name) => lists[name].patterns);
  const notTypos = (file.notTypos ?? []).flatMap((word) => exactWords([parsePattern(word, lang)]));
  return {
    targets: exactWords(TYPO_TARGETS.flatMap((name) => lists[name].patterns)),
    known: new Set([...exactWords(patterns), ...notTypos]),
  };
}

function compile(lang: Lang): Lexicon {
  const file = FILES[lang] as LexiconFile;
  const lists = listsOf(file, lang);
  const wildcards = wildcardPieces(LISTS.flatMap((name) => lists[name].patterns));
  const { targets, known } = vocabularyOf(file, lists, lang);
  // Words of the language one edit from a lexicon word mean something else ("roten" is not
  // "toten", nor "modder" "moeder"): triage/lexicon/real-words.json, made by scripts/realWords.ts.
  const typos = new TypoCorrector(targets, new Set([...known, ...REAL_WORDS[lang]]));
  return {
    lists,
    spell: (token) => {
      const fixed = typos.correct(token);
      return fixed && !coveredByWildcard(wildcards, token) ? fixed : token;
    },
  };
}

/** The compiled lexicon of a language, built on first use and kept for the process. */
export function lexiconFor(lang: Lang): Lexicon {
  let lexicon = cache.get(lang);
  if (!lexicon) {
    lexicon = compile(lang);
    cache.set(lang, lexicon);
  }
  return lexicon;
}
