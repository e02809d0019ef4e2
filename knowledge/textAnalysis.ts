import { stemmer as dutchStemmer } from '@orama/stemmers/dutch';
import { stemmer as englishStemmer } from '@orama/stemmers/english';
import { stemmer as frenchStemmer } from '@orama/stemmers/french';
import { stemmer as germanStemmer } from '@orama/stemmers/german';
import { deu, eng, fra, nld } from 'stopword';
import type { Lang } from '../models';

/**
 * Turns text into search terms, the same way for the index and for citizens' questions:
 * lowercase, split into words, drop stopwords, stem, fold accents. Citizens type without accents
 * and with typos; the folding makes "ecole" meet "école", the fuzzy search (retriever) the typos.
 */

const STEMMERS: Record<Lang, (word: string) => string> = {
  fr: frenchStemmer,
  nl: dutchStemmer,
  de: germanStemmer,
  en: englishStemmer,
};

/**
 * Words the generic lists treat as stopwords but that carry meaning in a citizen's question
 * ("ist die Post heute offen?", "wie lange noch?").
 */
const NOT_STOPWORDS: Partial<Record<Lang, string[]>> = {
  de: [
    ...['heute', 'morgen', 'lang', 'lange', 'offen', 'groß', 'große', 'großen', 'gross', 'grosse', 'grossen'],
    ...['klein', 'kleine', 'kleinen', 'neue', 'neuen', 'ende'],
  ],
};

/**
 * Words of questions that say nothing about the topic and that the generic lists lack: question
 * words, modal and light verbs, pronouns, negations (a lexical match cannot use them: "not closed"
 * still asks about closures), politeness, French elided heads ("jusqu'à" → "jusqu"). Left in, they
 * match whichever entries happen to be phrased the same way ("Can I…", "Kan ik…").
 */
const EXTRA_STOPWORDS: Record<Lang, string[]> = {
  fr: [
    ...[
      'jusqu',
      'lorsqu',
      'puisqu',
      'quoiqu',
      'quand',
      'comment',
      'combien',
      'pourquoi',
      'quoi',
      'oui',
      'non',
    ],
    ...['faut', 'faudrait', 'faudra', 'peux', 'peut', 'peuvent', 'pouvons', 'pouvez', 'pourrais', 'pourrait'],
    ...[
      'puis',
      'dois',
      'doit',
      'doivent',
      'devons',
      'devez',
      'devrais',
      'devrait',
      'veux',
      'veut',
      'voudrais',
    ],
    ...['voudrait', 'aller', 'vais', 'va', 'vas', 'allons', 'allez', 'vont', 'fait', 'fais', 'faites', 'ça'],
    ...['tout', 'tous', 'toute', 'toutes', 'encore', 'si', 'plus', 'bien', 'alors', 'donc', 'aussi', 'svp'],
    ...[
      'elles',
      'merci',
      'bonjour',
      'depuis',
      'fera',
      'ferai',
      'feront',
      'ferait',
      'sera',
      'seront',
      'ira',
      'iront',
    ],
  ],
  nl: [
    ...['waar', 'wanneer', 'welke', 'welk', 'hoeveel', 'waarom', 'mag', 'mogen', 'moeten', 'kun', 'kunt'],
    ...['gaan', 'ga', 'gaat', 'zullen', 'willen', 'wilt', 'even', 'graag', 'gewoon', 'ok', 'oké', 'aub'],
    ...['alstublieft', 'bedankt', 'hallo'],
  ],
  de: [
    ...['wann', 'wo', 'warum', 'welche', 'welcher', 'welches', 'welchen', 'bekomme', 'bekommen', 'bekommt'],
    ...['kriege', 'kriegen', 'bitte', 'okay', 'ok', 'hallo', 'danke'],
  ],
  en: [
    ...['when', 'why', 'will', 'may', 'shall', 'go', 'going', 'goes', 'want', 'wants', 'please', 'ok'],
    ...['okay', 'does', 'yet', 'hi', 'hello', 'thanks', 'she', 'not', 'no'],
  ],
};

const STOPWORD_LISTS: Record<Lang, string[]> = { fr: fra, nl: nld, de: deu, en: eng };

/** Stopwords with and without accents: "ou" typed for "où" is still a stopword. */
const STOPWORDS: Record<Lang, Set<string>> = Object.fromEntries(
  (Object.keys(STOPWORD_LISTS) as Lang[]).map((lang) => {
    const keep = new Set(NOT_STOPWORDS[lang] ?? []);
    const words = [...STOPWORD_LISTS[lang], ...EXTRA_STOPWORDS[lang]].filter((w) => !keep.has(w));
    return [lang, new Set(words.flatMap((w) => [w, foldAccents(w)]))];
  }),
) as Record<Lang, Set<string>>;

/** Languages that glue nouns together ("Krankenhaus", "ziekenhuis"): their compounds are split. */
const COMPOUNDING: ReadonlySet<Lang> = new Set(['de', 'nl']);
const MIN_COMPOUND_LENGTH = 8;
const MIN_COMPOUND_PART = 4;

/** Lowercase without diacritics; ß, œ and æ become ss, oe and ae. */
export function foldAccents(text: string): string {
  return text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}

/**
 * Lowercase words and numbers. Apostrophes separate words, which splits elisions
 * ("l'eau" → "eau", "qu'il" → "qu", "il"); single letters left over carry no meaning.
 */
export function tokenize(text: string): string[] {
  const words =
    text
      .toLowerCase()
      .normalize('NFC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => w.length > 1 || /\d/.test(w));
}

export class TermAnalyzer {
  private readonly stopwords: Set<string>;
  private readonly stem: (word: string) => string;
  /** Folded words of the indexed content: the parts a compound may be split into. */
  private readonly vocabulary = new Set<string>();

  /** `corpus`: the texts of the index, whose words are the known parts of compounds. */
  constructor(
    readonly lang: Lang,
    corpus: Iterable<string> = [],
  ) {
    this.stopwords = STOPWORDS[lang];
    this.stem = STEMMERS[lang];
    if (!COMPOUNDING.has(lang)) return;
    for (const text of corpus) {
      for (const word of tokenize(text)) {
        if (word.length >= MIN_COMPOUND_PART && !this.isStopword(word))
          this.vocabulary.add(foldAccents(word));
      }
    }
  }

  isStopword(word: string): boolean {
    return this.stopwords.has(word) || this.stopwords.has(foldAccents(word));
  }

  /**
   * Terms to index for one token. Snowball stemmers expect accents ("annulées" → "annul") and stem
   * unaccented input differently ("annulees" → "annule"), so both stems are indexed: a question typed
   * without accents then meets the same term.
   */
  indexTerms(word: string): string[] {
    if (this.isStopword(word)) return [];
    const folded = foldAccents(word);
    return unique([
      foldAccents(this.stem(word)),
      this.stem(folded),
      ...this.compoundParts(folded).map((p) => this.stem(p)),
    ]);
  }

  /** Terms to search for one token of a question; the first is the word itself, the rest are compound parts. */
  queryTerms(word: string): string[] {
    if (this.isStopword(word)) return [];
    const folded = foldAccents(word);
    return unique([foldAccents(this.stem(word)), ...this.compoundParts(folded).map((p) => this.stem(p))]);
  }

  /** The informative words of a text, each as the terms it is searched by. */
  words(text: string): string[][] {
    return tokenize(text)
      .map((w) => this.queryTerms(w))
      .filter((terms) => terms.length > 0);
  }

  /**
   * Known parts of a compound: the longest known tail ("Kinderkrankenhaus" → "krankenhaus") and the longest
   * known head ("Wetterbericht" → "wetter"). Only words seen in the content count as parts, which
   * keeps the splitting from inventing terms.
   */
  private compoundParts(folded: string): string[] {
    if (this.vocabulary.size === 0 || folded.length < MIN_COMPOUND_LENGTH) return [];
    const parts: string[] = [];
    for (let cut = MIN_COMPOUND_PART - 1; cut <= folded.length - MIN_COMPOUND_PART; cut++) {
      const tail = folded.slice(cut);
      if (this.vocabulary.has(tail)) {
        parts.push(tail);
        break;
      }
    }
    for (let cut = folded.length - MIN_COMPOUND_PART + 1; cut >= MIN_COMPOUND_PART; cut--) {
      const head = folded.slice(0, cut);
      if (this.vocabulary.has(head)) {
        parts.push(head);
        break;
      }
    }
    return parts;
  }
}

function unique(terms: string[]): string[] {
  return [...new Set(terms.filter((t) => t.length > 0))];
}
