import MiniSearch, { type SearchResult as MiniSearchResult } from 'minisearch';
import type { Lang } from '../models';
import type { ContentFile, Faq, LocalizedText } from './contentSchema';
import type { Vector } from '../semantic';
import { RelatedTerms } from './concepts';
import { decideHybrid, HYBRID_RULE } from './hybridDecision';
import type { SemanticIndex } from './semanticIndex';
import { TermAnalyzer, tokenize } from './textAnalysis';

export type Decision = 'answer' | 'clarify' | 'none';

export interface Candidate {
  faqId: string;
  /** In [0, 1]; comparable across crises and questions (see `Retriever.search`). */
  confidence: number;
}

export interface SearchOutcome {
  decision: Decision;
  /** Set when something matched; for 'answer' it is the entry to answer from. */
  best?: Candidate;
  /** Up to three plausible entries, best first: the options of a clarification. */
  candidates: Candidate[];
  /** The few best-matching entries however weak, best first: what a language model may answer from. */
  nearest: Candidate[];
  /** The language of the index searched: the citizen's, or another of the crisis when it lacks that one. */
  lang: Lang;
  /** Every entry the words matched, best first, however weak: what hybrid retrieval fuses. */
  ranked: Candidate[];
  /** Whether the meaning of the question was used, or the words alone (no model, or it did not answer). */
  semantic: boolean;
}

export interface FaqView {
  id: string;
  category: string;
  question: string;
  answer: string;
  links: { label: string; url: string }[];
  /** The language of `answer`: the one asked for, or another of the crisis when the entry lacks it. */
  lang: Lang;
}

/** Field weights for ranking: a question or an anticipated phrasing says what an entry is about; an answer only mentions things. */
const BOOST = { question: 3, alternatives: 2.5, answer: 1, category: 0.5 };
/** How much a matched word supports an entry, by the best field it matched in. */
const FIELD_CREDIT: Record<string, number> = { question: 1, alternatives: 1, category: 0.6, answer: 0.6 };
/** Credit kept when a word matched only approximately (typo, prefix) or only through a compound part. */
const APPROXIMATE_CREDIT = 0.7;
const COMPOUND_PART_CREDIT = 0.8;
/** Credit kept when a word matched only through a related word (lexicon/concepts.json). */
const RELATED_CREDIT = 0.7;
/**
 * Weight of a question word the content never uses, relative to a word specific to one entry.
 * Such words dilute the confidence without vetoing it: citizens add context the FAQ cannot anticipate.
 */
const UNKNOWN_WORD_WEIGHT = 0.5;
/**
 * How much a runner-up lowers the confidence, applied to the square of its relative support: a tie
 * halves the confidence (so it can never answer: two entries fit equally well, the citizen chooses),
 * a distant runner-up barely counts.
 */
const MARGIN_WEIGHT = 0.5;
/**
 * An entry answers when it explains more than half of the question's informative weight: a single
 * word of the content among two words the content never uses is not enough.
 */
const ANSWER_THRESHOLD = 0.5;
/** Below this, nothing meaningful matched and no entry is worth offering. */
const CLARIFY_THRESHOLD = 0.2;
const MAX_CANDIDATES = 3;
const MAX_NEAREST = 4;
/** Typo tolerance: one edit from 5 characters of a stem, two from 9; prefixes (truncated words, compounds) from 4. */
const fuzzy = (term: string) => (term.length >= 9 ? 2 : term.length >= 5 ? 1 : false);
const prefix = (term: string) => term.length >= 4;

interface IndexedFaq {
  id: string;
  question: string;
  alternatives: string;
  answer: string;
  category: string;
}

interface LanguageIndex {
  search: MiniSearch<IndexedFaq>;
  analyzer: TermAnalyzer;
  related: RelatedTerms;
}

/** What one question word contributes to one entry. */
interface WordMatch {
  score: number;
  credit: number;
}

/**
 * Finds the FAQ entry that answers a citizen's question. With the question's embedding and the
 * content's passage vectors (`useMeaning`), word search and semantic similarity are fused (see
 * hybridDecision.ts); without them, the word search decides alone.
 *
 * The word search has one MiniSearch index per language of
 * the crisis. MiniSearch matches (field boosts, typo tolerance, prefixes); the confidence is computed
 * from what matched, so that it means the same for every crisis and question: the IDF-weighted share
 * of the question's words that the entry explains, discounted for approximate or answer-only matches
 * and for a close runner-up.
 */
export class Retriever {
  private readonly indexes = new Map<Lang, LanguageIndex>();
  private readonly faqs = new Map<string, Faq>();
  private readonly languages: Lang[];
  private semanticIndex: SemanticIndex | undefined;

  constructor(content: ContentFile) {
    this.languages = content.crisis.languages;
    for (const faq of content.faqs) this.faqs.set(faq.id, faq);
    for (const lang of this.languages) this.indexes.set(lang, this.buildIndex(content, lang));
  }

  /** Adds the content's passage vectors, once they are made: searches given a question vector then use meaning. */
  useMeaning(index: SemanticIndex): void {
    this.semanticIndex = index;
  }

  get understandsMeaning(): boolean {
    return this.semanticIndex !== undefined;
  }

  search(text: string, lang: Lang, questionVector?: Vector): SearchOutcome {
    const words = this.searchWords(text, lang);
    if (!questionVector || !this.semanticIndex) return words;
    const closest = HYBRID_RULE.closestPerLanguage * this.languages.length;
    const hybrid = decideHybrid(this.semanticIndex.rank(questionVector, closest), words.ranked, text);
    return { ...hybrid, lang: words.lang, semantic: true };
  }

  private searchWords(text: string, lang: Lang): SearchOutcome {
    const own = this.indexes.get(lang);
    if (own) return this.searchIndex(own, text, lang);
    // The crisis lacks the citizen's language: names, numbers and shared words may still match another one.
    const outcomes = this.languages.map((l) => this.searchIndex(this.indexes.get(l)!, text, l));
    return outcomes.reduce((a, b) => ((b.best?.confidence ?? 0) > (a.best?.confidence ?? 0) ? b : a));
  }

  getFaq(faqId: string, lang: Lang): FaqView | undefined {
    const faq = this.faqs.get(faqId);
    if (!faq) return undefined;
    const answerLang = this.pickLanguage(faq.answer, lang);
    return {
      id: faq.id,
      category: faq.category,
      question: this.localize(faq.question, lang, answerLang),
      answer: faq.answer[answerLang]!,
      links: (faq.links ?? []).map((l) => ({
        label: this.localize(l.label, answerLang, lang) || l.url,
        url: l.url,
      })),
      lang: answerLang,
    };
  }

  private buildIndex(content: ContentFile, lang: Lang): LanguageIndex {
    const docs: IndexedFaq[] = content.faqs.map((faq) => ({
      id: faq.id,
      question: this.localize(faq.question, lang),
      alternatives: (faq.alternatives?.[lang] ?? []).join('\n'),
      answer: this.localize(faq.answer, lang),
      category: faq.category,
    }));
    const analyzer = new TermAnalyzer(
      lang,
      docs.flatMap((d) => [d.question, d.alternatives, d.answer]),
    );
    const search = new MiniSearch<IndexedFaq>({
      fields: ['question', 'alternatives', 'answer', 'category'],
      tokenize,
      processTerm: (term) => analyzer.indexTerms(term),
      // Questions are analysed by the retriever itself (one search per word), so searches take terms as they are.
      searchOptions: { tokenize: (term) => [term], processTerm: (term) => term, boost: BOOST, fuzzy, prefix },
    });
    search.addAll(docs);
    return { search, analyzer, related: new RelatedTerms(lang, analyzer) };
  }

  private searchIndex(index: LanguageIndex, text: string, lang: Lang): SearchOutcome {
    const entryCount = index.search.documentCount;
    const scores = new Map<string, number>();
    const support = new Map<string, number>();
    let informative = 0;
    for (const terms of index.analyzer.words(text)) {
      let matches = this.matchWord(index.search, terms);
      if (matches.size === 0) matches = this.matchRelated(index, terms[0]!);
      if (matches.size === 0) {
        informative += UNKNOWN_WORD_WEIGHT;
        continue;
      }
      // Normalised IDF: 1 for a word of one entry, lower the more entries share it, whatever the crisis size.
      const specificity = Math.log(1 + entryCount / matches.size) / Math.log(1 + entryCount);
      informative += specificity;
      for (const [id, m] of matches) {
        scores.set(id, (scores.get(id) ?? 0) + m.score);
        support.set(id, (support.get(id) ?? 0) + specificity * m.credit);
      }
    }

    // Ranked by support; the BM25 score only breaks ties (it favours repeated words and short fields).
    const ranked = [...support.entries()].sort(
      (a, b) => b[1] - a[1] || scores.get(b[0])! - scores.get(a[0])!,
    );
    if (ranked.length === 0)
      return { decision: 'none', candidates: [], nearest: [], lang, ranked: [], semantic: false };
    const candidates = ranked.map(([faqId, own], i) => {
      const rival = (i === 0 ? ranked[1]?.[1] : ranked[0]![1]) ?? 0;
      const margin = 1 - MARGIN_WEIGHT * Math.min(1, rival / own) ** 2;
      return { faqId, confidence: round(Math.min(1, (own / informative) * margin)) };
    });
    candidates.sort((a, b) => b.confidence - a.confidence);

    const best = candidates[0]!;
    const plausible = candidates.filter((c) => c.confidence >= CLARIFY_THRESHOLD).slice(0, MAX_CANDIDATES);
    const nearest = candidates.filter((c) => c.confidence > 0).slice(0, MAX_NEAREST);
    const found = { best, nearest, lang, ranked: candidates, semantic: false };
    if (best.confidence > ANSWER_THRESHOLD) return { decision: 'answer', candidates: plausible, ...found };
    if (plausible.length > 0) return { decision: 'clarify', candidates: plausible, ...found };
    return { decision: 'none', candidates: [], ...found };
  }

  /** The entries one question word matches, keeping for each the best of the word's terms. */
  private matchWord(search: MiniSearch<IndexedFaq>, terms: string[]): Map<string, WordMatch> {
    return bestMatches(
      search,
      terms.map((term, i) => ({ term, weight: i === 0 ? 1 : COMPOUND_PART_CREDIT })),
    );
  }

  /** The entries that state a word related to one the content never uses, exactly, at a discount. */
  private matchRelated(index: LanguageIndex, term: string): Map<string, WordMatch> {
    return bestMatches(
      index.search,
      index.related.of(term).map((related) => ({ term: related, weight: RELATED_CREDIT, exact: true })),
    );
  }

  /** The text in the first of `preferred`, then of the crisis's languages, that has it. */
  private localize(text: LocalizedText, ...preferred: Lang[]): string {
    return text[this.pickLanguage(text, ...preferred)] ?? '';
  }

  /** Only the crisis's languages count: texts in other languages are not shown (see validateContent). */
  private pickLanguage(text: LocalizedText, ...preferred: Lang[]): Lang {
    const order = [...preferred, ...this.languages].filter((l) => this.languages.includes(l));
    return order.find((l) => text[l] !== undefined) ?? this.languages[0]!;
  }
}

/**
 * Searches each term (weighted; `exact`: no typo or prefix matching) and keeps, for each entry,
 * its best-supported match.
 */
function bestMatches(
  search: MiniSearch<IndexedFaq>,
  queries: { term: string; weight: number; exact?: boolean }[],
): Map<string, WordMatch> {
  const matches = new Map<string, WordMatch>();
  for (const { term, weight, exact } of queries) {
    const results = exact ? search.search(term, { fuzzy: false, prefix: false }) : search.search(term);
    for (const result of results) {
      const credit = weight * matchCredit(result, term);
      const previous = matches.get(result.id as string);
      if (!previous || credit > previous.credit)
        matches.set(result.id as string, { score: result.score, credit });
    }
  }
  return matches;
}

/** How well one search result supports its entry: by the best field matched, discounted when approximate. */
function matchCredit(result: MiniSearchResult, term: string): number {
  // A road number, bus line or phone number designates the entry that states it, wherever it stands.
  const identifier = /\d/.test(term);
  let best = 0;
  for (const [docTerm, fields] of Object.entries(result.match)) {
    const exactness = docTerm === term ? 1 : APPROXIMATE_CREDIT;
    for (const field of fields)
      best = Math.max(best, (identifier ? 1 : (FIELD_CREDIT[field] ?? 0)) * exactness);
  }
  return best;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
