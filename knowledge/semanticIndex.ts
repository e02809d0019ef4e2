import { similarity, type Vector } from '../semantic';
import type { Passage } from './passages';
import { adaptQuery, type QueryAdapter } from './queryAdapter';

export interface SemanticRanking {
  /** Every entry's similarity to the question (its closest passage), best first. */
  entries: { faqId: string; similarity: number }[];
  /** The entries of the closest passages, closest first: how many agree is a measure of certainty. */
  closestPassages: string[];
  /** The question's similarity to the closest everyday question, when the index has them. */
  everyday?: number;
}

/**
 * The content's passages as vectors: how close a question is to each entry, by meaning, in any
 * language of the crisis. An entry is as close as its closest passage. With the query adapter of
 * the model that made the vectors, questions are first moved by it (knowledge/queryAdapter.ts).
 */
export class SemanticIndex {
  constructor(
    private readonly passages: Passage[],
    private readonly vectors: Vector[],
    private readonly adapter?: QueryAdapter,
    /** Everyday questions no entry answers, embedded as passages (knowledge/everydayQuestions.ts). */
    private readonly everydayVectors: Vector[] = [],
  ) {
    if (passages.length !== vectors.length)
      throw new Error(`${vectors.length} vectors for ${passages.length} passages`);
  }

  rank(vector: Vector, closest: number): SemanticRanking {
    const question = this.adapter ? adaptQuery(this.adapter, vector) : vector;
    const scored = this.passages.map((passage, i) => ({
      faqId: passage.faqId,
      similarity: similarity(question, this.vectors[i]!),
    }));
    scored.sort((a, b) => b.similarity - a.similarity);
    const best = new Map<string, number>();
    for (const { faqId, similarity: value } of scored) if (!best.has(faqId)) best.set(faqId, value);
    return {
      entries: [...best.entries()].map(([faqId, value]) => ({ faqId, similarity: value })),
      closestPassages: scored.slice(0, closest).map((p) => p.faqId),
      ...(this.everydayVectors.length > 0 && {
        everyday: Math.max(...this.everydayVectors.map((v) => similarity(question, v))),
      }),
    };
  }
}
