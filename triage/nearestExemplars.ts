import { similarity, type Vector } from '../semantic';
import type { Exemplar } from './exemplars';
import type { InquiryClassification, InquiryDecision } from './victimInquiry';

/**
 * The rule and its constants, fitted on the development sets only (triage/exemplars/FIT.md):
 * a message's margin is the mean similarity of its K nearest D2 exemplars minus that of its K
 * nearest D5 exemplars. From POSSIBLE_AT the bot asks whether the message is about someone who
 * may be affected; from STRONG_AT it takes it for a victim inquiry at once.
 */
export const NEAREST = 5;
export const POSSIBLE_AT = 0.0075;
export const STRONG_AT = 0.025;

/** What the nearest exemplars say of a message. */
export interface SemanticOpinion {
  decision: InquiryDecision;
  margin: number;
  /** The kind of the nearest exemplar ("ill", "relatives"), to explain decisions. */
  nearest: string;
}

/** The mean of the largest values seen, kept in a small sorted array (no sort of every value). */
class TopMean {
  private readonly best: number[] = [];

  constructor(private readonly k: number) {}

  add(value: number): void {
    if (this.best.length === this.k && value <= this.best[this.k - 1]!) return;
    let i = Math.min(this.best.length, this.k - 1);
    this.best[i] = value;
    for (; i > 0 && this.best[i - 1]! < value; i--)
      [this.best[i - 1], this.best[i]] = [value, this.best[i - 1]!];
  }

  mean(): number {
    return this.best.reduce((sum, v) => sum + v, 0) / Math.max(1, this.best.length);
  }
}

/** The exemplars with their vectors (e5 query vectors, like the citizens' messages). */
export class ExemplarIndex {
  constructor(
    private readonly exemplars: readonly Exemplar[],
    private readonly vectors: readonly Vector[],
  ) {
    if (exemplars.length !== vectors.length)
      throw new Error(`${vectors.length} vectors for ${exemplars.length} exemplars`);
  }

  /** The margin of a message's vector, and the decision it supports on its own. */
  opinion(vector: Vector): SemanticOpinion {
    const d2 = new TopMean(NEAREST);
    const d5 = new TopMean(NEAREST);
    let best = -Infinity;
    let nearest = '';
    this.exemplars.forEach((exemplar, i) => {
      const s = similarity(vector, this.vectors[i]!);
      (exemplar.label === 'd2' ? d2 : d5).add(s);
      if (s > best) [best, nearest] = [s, exemplar.kind];
    });
    const margin = d2.mean() - d5.mean();
    const decision: InquiryDecision = margin >= STRONG_AT ? 'd2' : margin >= POSSIBLE_AT ? 'unsure' : 'd5';
    return { decision, margin, nearest };
  }
}

const RANK: Record<InquiryDecision, number> = { d5: 0, unsure: 1, d2: 2 };

/**
 * The lexicon's decision, raised when the nearest exemplars see more in the message: either
 * signal is enough to route it (recall comes first), and neither ever lowers the other's.
 */
export function withSecondOpinion(
  lexicon: InquiryClassification,
  opinion: SemanticOpinion | undefined,
): InquiryClassification {
  if (!opinion) return lexicon;
  const signal = `semantic:${opinion.decision}:${opinion.nearest}:${opinion.margin.toFixed(3)}`;
  const decision = RANK[opinion.decision] > RANK[lexicon.decision] ? opinion.decision : lexicon.decision;
  return { ...lexicon, decision, signals: [...lexicon.signals, signal] };
}
