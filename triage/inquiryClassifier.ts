import { dot, fitLogistic } from '../semantic/logisticRegression';
import type { Vector } from '../semantic';
import type { Exemplar } from './exemplars';
import { StackedRule, stackFeatures } from './stackedRule';
import { classifyInquiry, type InquiryClassification, type InquiryDecision } from './victimInquiry';

/**
 * The rule and its constants, fitted on development data only (triage/exemplars/FIT.md). The
 * stacked rule gives the probability that a message is a victim inquiry; from POSSIBLE_AT the bot
 * asks whether the message is about someone who may be affected, from STRONG_AT it takes it for
 * a victim inquiry at once.
 */
export const POSSIBLE_AT = 0.15;
export const STRONG_AT = 0.75;
/** The linear classifier's settings (FIT.md): strong enough a penalty that no single phrasing dominates. */
export const FIT_SETTINGS = { iterations: 1000, rate: 4, l2: 3e-4 };
/** Folds of the out-of-fold logits the stacked rule is fitted on. */
export const FOLDS = 5;

/** What the second opinion says of a message. */
export interface SemanticOpinion {
  decision: InquiryDecision;
  /** The probability that the message is a victim inquiry. */
  probability: number;
}

/**
 * A linear classifier over the message's e5 query vector, fitted on the exemplars (victim
 * inquiries, and general questions that name relatives or symptoms) and on the general questions
 * of the shipped crisis templates, read together with the lexicon's evidence by a stacked rule. A
 * linear boundary weighs every direction of the meaning at once, where the nearest exemplars let
 * one close phrasing ("my parrot is still in the house" near "my son is still in the house") decide.
 */
export class InquiryClassifier {
  constructor(
    readonly weights: Float32Array,
    readonly bias: number,
    readonly rule: StackedRule,
  ) {}

  /** Fitted on exemplars and their vectors (same order). */
  static fit(exemplars: readonly Exemplar[], vectors: readonly Vector[]): InquiryClassifier {
    if (exemplars.length !== vectors.length)
      throw new Error(`${vectors.length} vectors for ${exemplars.length} exemplars`);
    const labels = exemplars.map((e) => (e.label === 'd2' ? 1 : 0));
    const linear = (rows: number[]) =>
      fitLogistic(
        rows.map((i) => vectors[i]!),
        rows.map((i) => labels[i]!),
        FIT_SETTINGS,
      );
    const { weights, bias } = linear([...exemplars.keys()]);
    // The rule must learn how the classifier does on messages it has not seen, as in service.
    const logits = new Array<number>(exemplars.length);
    for (let fold = 0; fold < FOLDS; fold++) {
      const held = [...exemplars.keys()].filter((i) => i % FOLDS === fold);
      const fitted = linear([...exemplars.keys()].filter((i) => i % FOLDS !== fold));
      for (const i of held) logits[i] = dot(fitted.weights, vectors[i]!) + fitted.bias;
    }
    const rule = StackedRule.fit(
      exemplars.map((e, i) => stackFeatures(logits[i]!, classifyInquiry(e.text, e.lang))),
      labels,
    );
    // Float32, as the cache keeps it: a classifier read back decides exactly as the one fitted.
    return new InquiryClassifier(Float32Array.from(weights), Math.fround(bias), rule);
  }

  /** Weights, bias, then the stacked rule, one after the other: how the cache keeps it. */
  pack(): Float32Array {
    return Float32Array.from([...this.weights, this.bias, ...this.rule.pack()]);
  }

  /** Read back from `pack`; undefined when the numbers cannot be one. */
  static unpack(values: Float32Array): InquiryClassifier | undefined {
    const dims = values.length - StackedRule.PACKED_LENGTH - 1;
    if (dims < 1 || !values.every(Number.isFinite)) return undefined;
    return new InquiryClassifier(
      values.slice(0, dims),
      values[dims]!,
      StackedRule.unpack(values.slice(dims + 1)),
    );
  }

  opinion(vector: Vector, lexicon: InquiryClassification): SemanticOpinion {
    if (vector.length !== this.weights.length)
      throw new Error(`a vector of ${vector.length} dimensions for a classifier of ${this.weights.length}`);
    const probability = this.rule.probability(stackFeatures(dot(this.weights, vector) + this.bias, lexicon));
    const decision: InquiryDecision =
      probability >= STRONG_AT ? 'd2' : probability >= POSSIBLE_AT ? 'unsure' : 'd5';
    return { decision, probability };
  }
}

const RANK: Record<InquiryDecision, number> = { d5: 0, unsure: 1, d2: 2 };

/**
 * The decision with the second opinion, which read the lexicon's evidence too: a victim inquiry
 * the lexicon recognised stays one, and so does an urgent doubt (someone cannot breathe); anything
 * else is the opinion's, raised or lowered.
 */
export function withSecondOpinion(
  lexicon: InquiryClassification,
  opinion: SemanticOpinion | undefined,
): InquiryClassification {
  if (!opinion) return lexicon;
  const signal = `semantic:${opinion.decision}:${opinion.probability.toFixed(3)}`;
  const kept =
    lexicon.decision === 'd2' || (lexicon.urgent && RANK[lexicon.decision] > RANK[opinion.decision]);
  const decision = kept ? lexicon.decision : opinion.decision;
  return { ...lexicon, decision, signals: [...lexicon.signals, signal] };
}
