import { dot, fitLogistic, sigmoid } from '../semantic/logisticRegression';
import type { Vector } from '../semantic';
import type { Exemplar } from './exemplars';
import type { InquiryClassification, InquiryDecision } from './victimInquiry';

/**
 * The rule and its constants, fitted on development data only (triage/exemplars/FIT.md). The
 * classifier gives the probability that a message is a victim inquiry; from POSSIBLE_AT the bot
 * asks whether the message is about someone who may be affected, from STRONG_AT it takes it for
 * a victim inquiry at once.
 */
export const POSSIBLE_AT = 0.55;
export const STRONG_AT = 0.75;
/**
 * Below this probability the message reads clearly as a general question: the lexicon's mere
 * doubt (a relative named near a crisis word) does not cost the citizen a yes/no question.
 */
export const CLEARLY_GENERAL_AT = 0.3;
/** The fit's settings (FIT.md): strong enough a penalty that no single phrasing dominates. */
export const FIT_SETTINGS = { iterations: 1000, rate: 4, l2: 3e-4 };

/** What the classifier says of a message. */
export interface SemanticOpinion {
  decision: InquiryDecision;
  /** The probability that the message is a victim inquiry. */
  probability: number;
}

/**
 * A linear classifier over the message's e5 query vector, fitted on the exemplars (victim
 * inquiries, and general questions that name relatives or symptoms) and on the general questions
 * of the shipped crisis templates. A linear boundary weighs every direction of the meaning at
 * once, where the nearest exemplars let one close phrasing ("my parrot is still in the house"
 * near "my son is still in the house") decide.
 */
export class InquiryClassifier {
  constructor(
    readonly weights: Float32Array,
    readonly bias: number,
  ) {}

  /** Fitted on exemplars and their vectors (same order). */
  static fit(exemplars: readonly Exemplar[], vectors: readonly Vector[]): InquiryClassifier {
    if (exemplars.length !== vectors.length)
      throw new Error(`${vectors.length} vectors for ${exemplars.length} exemplars`);
    const { weights, bias } = fitLogistic(
      vectors,
      exemplars.map((e) => (e.label === 'd2' ? 1 : 0)),
      FIT_SETTINGS,
    );
    // Float32, as the cache keeps it: a classifier read back decides exactly as the one fitted.
    return new InquiryClassifier(Float32Array.from(weights), Math.fround(bias));
  }

  opinion(vector: Vector): SemanticOpinion {
    if (vector.length !== this.weights.length)
      throw new Error(`a vector of ${vector.length} dimensions for a classifier of ${this.weights.length}`);
    const probability = sigmoid(dot(this.weights, vector) + this.bias);
    const decision: InquiryDecision =
      probability >= STRONG_AT ? 'd2' : probability >= POSSIBLE_AT ? 'unsure' : 'd5';
    return { decision, probability };
  }
}

const RANK: Record<InquiryDecision, number> = { d5: 0, unsure: 1, d2: 2 };

/**
 * The lexicon's decision, raised when the classifier sees more in the message: either signal is
 * enough to route it (recall comes first). The one thing the classifier may lower is the
 * lexicon's bare doubt (someone named, nothing said of what happened to them), when the message
 * is clearly a general question and nothing in it is urgent; a victim inquiry the lexicon
 * recognised stays one, and so does a doubt about someone hurt or ill.
 */
export function withSecondOpinion(
  lexicon: InquiryClassification,
  opinion: SemanticOpinion | undefined,
): InquiryClassification {
  if (!opinion) return lexicon;
  const signal = `semantic:${opinion.decision}:${opinion.probability.toFixed(3)}`;
  const clearlyGeneral =
    lexicon.decision === 'unsure' &&
    !lexicon.urgent &&
    !lexicon.concerned &&
    opinion.probability < CLEARLY_GENERAL_AT;
  const decision = clearlyGeneral
    ? 'd5'
    : RANK[opinion.decision] > RANK[lexicon.decision]
      ? opinion.decision
      : lexicon.decision;
  return { ...lexicon, decision, signals: [...lexicon.signals, signal] };
}
