import type { Lang } from '../models';
import concepts from './lexicon/concepts.json';
import type { TermAnalyzer } from './textAnalysis';

/**
 * Related words of one language (knowledge/lexicon/concepts.json), as search terms: a citizen asks
 * where to "unterkommen" when the FAQ says "Notunterkunft", about their "cat" when it says "pets".
 */
export class RelatedTerms {
  private readonly related = new Map<string, Set<string>>();

  constructor(lang: Lang, analyzer: TermAnalyzer) {
    for (const group of concepts.groups) {
      const terms = new Set(group[lang].flatMap((word) => analyzer.queryTerms(word).slice(0, 1)));
      for (const term of terms) {
        const others = this.related.get(term) ?? new Set<string>();
        for (const other of terms) if (other !== term) others.add(other);
        this.related.set(term, others);
      }
    }
  }

  /** The terms related to a question word's term, without it. */
  of(term: string): string[] {
    return [...(this.related.get(term) ?? [])];
  }
}
