import { similarity, type Vector } from '../semantic';
import type { Exemplar } from './exemplars';
import type { Lang } from '../models';
import { classifyInquiry, type InquiryClassification, type InquiryDecision } from './victimInquiry';

/**
 * The rule and its constants, fitted on the development sets only (triage/exemplars/FIT.md):
 * a message's margin is the mean similarity of its K nearest D2 exemplars minus that of its K
 * nearest D5 exemplars. From POSSIBLE_AT the bot asks whether the message is about someone who
 * may be affected; from STRONG_AT it takes it for a victim inquiry at once.
 */
export const NEAREST = 5;
export const POSSIBLE_AT = 0.0075;
export const STRONG_AT = 0.025;
/**
 * At or below this margin the message sits clearly among general questions: the lexicon's mere
 * doubt (a relative named near a crisis word) does not cost the citizen a yes/no question.
 */
export const CLEARLY_GENERAL_AT = -0.02;

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

  /**
   * The margin of a message's vector, and the decision it supports on its own. `general`: more
   * vectors of general questions, the crisis's own FAQ questions (see `generalQuestions`).
   */
  opinion(vector: Vector, general: readonly Vector[] = []): SemanticOpinion {
    const d2 = new TopMean(NEAREST);
    const d5 = new TopMean(NEAREST);
    let best = -Infinity;
    let nearest = '';
    this.exemplars.forEach((exemplar, i) => {
      const s = similarity(vector, this.vectors[i]!);
      (exemplar.label === 'd2' ? d2 : d5).add(s);
      if (s > best) [best, nearest] = [s, exemplar.kind];
    });
    for (const question of general) {
      const s = similarity(vector, question);
      d5.add(s);
      if (s > best) [best, nearest] = [s, 'faq'];
    }
    const margin = d2.mean() - d5.mean();
    const decision: InquiryDecision = margin >= STRONG_AT ? 'd2' : margin >= POSSIBLE_AT ? 'unsure' : 'd5';
    return { decision, margin, nearest };
  }
}

/** A question of the crisis's FAQ, embedded as a query, in its language. */
export interface ContentQuestion {
  passage: { lang: Lang; text: string };
  vector: Vector;
}

/**
 * The FAQ questions that may stand for general questions of this crisis: a message closer to them
 * than to victim inquiries is a question about the crisis. A FAQ question that itself reads as a
 * victim inquiry ("who do I call about a missing person?") is left out, or it would hide the very
 * messages it describes.
 */
export function generalQuestions(index: ExemplarIndex, questions: readonly ContentQuestion[]): Vector[] {
  return questions
    .filter(
      ({ passage, vector }) =>
        classifyInquiry(passage.text, passage.lang).decision !== 'd2' &&
        index.opinion(vector).margin < STRONG_AT,
    )
    .map((q) => q.vector);
}

const RANK: Record<InquiryDecision, number> = { d5: 0, unsure: 1, d2: 2 };

/**
 * The lexicon's decision, raised when the nearest exemplars see more in the message: either
 * signal is enough to route it (recall comes first). The one thing the exemplars may lower is the
 * lexicon's doubt, when the message is clearly a general question and nothing in it is urgent;
 * a victim inquiry the lexicon recognised stays one.
 */
export function withSecondOpinion(
  lexicon: InquiryClassification,
  opinion: SemanticOpinion | undefined,
): InquiryClassification {
  if (!opinion) return lexicon;
  const signal = `semantic:${opinion.decision}:${opinion.nearest}:${opinion.margin.toFixed(3)}`;
  const clearlyGeneral =
    lexicon.decision === 'unsure' && !lexicon.urgent && opinion.margin <= CLEARLY_GENERAL_AT;
  const decision = clearlyGeneral
    ? 'd5'
    : RANK[opinion.decision] > RANK[lexicon.decision]
      ? opinion.decision
      : lexicon.decision;
  return { ...lexicon, decision, signals: [...lexicon.signals, signal] };
}
