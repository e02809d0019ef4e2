import type { Lang } from '../models';
import { lexiconFor, type Lexicon, type ListName } from './lexicon';
import type { Match } from './patterns';
import { namePositions, tokenize } from './text';

/**
 * A message read against one language's lexicon: its tokens (typos corrected, "neutral" phrases
 * masked) and, on demand, where each list matches. Lists are matched lazily because the two
 * detectors need different lists and both run on every message.
 */
export class Analysis {
  readonly tokens: string[];
  /** "typo:freind>friend" for each corrected token, to explain decisions. */
  readonly corrections: string[] = [];
  private readonly found = new Map<ListName, Match[]>();
  private readonly lexicon: Lexicon;

  constructor(text: string, lang: Lang) {
    this.lexicon = lexiconFor(lang);
    const names = namePositions(text, lang);
    this.tokens = tokenize(text, lang).map((token, i) => {
      const spelled = names[i] ? token : this.lexicon.spell(token);
      if (spelled !== token) this.corrections.push(`typo:${token}>${spelled}`);
      return spelled;
    });
    // Masked before anything else so that "aller chercher du pain" is no search for a person.
    for (const match of this.lexicon.lists.neutral.find(this.tokens))
      this.tokens.fill('', match.start, match.end);
  }

  hits(list: ListName): Match[] {
    let matches = this.found.get(list);
    if (!matches) {
      matches = this.lexicon.lists[list].find(this.tokens);
      this.found.set(list, matches);
    }
    return matches;
  }

  has(list: ListName): boolean {
    return this.hits(list).length > 0;
  }
}

/** Words between two spans (0 when they touch or overlap). */
export function distance(a: Match, b: Match): number {
  if (a.end <= b.start) return b.start - a.end;
  if (b.end <= a.start) return a.start - b.end;
  return 0;
}

/** The smallest distance from a span to any of the others, Infinity if none. */
export function nearest(span: Match, others: Match[]): number {
  return others.reduce((best, other) => Math.min(best, distance(span, other)), Infinity);
}

/** Whether one of `before` ends at most `gap` words before `span` starts ("my little brother"). */
export function precededBy(span: Match, before: Match[], gap: number): boolean {
  return before.some((other) => other.end <= span.start && span.start - other.end <= gap);
}
