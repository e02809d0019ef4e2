import { dot, fitLogistic, sigmoid } from '../semantic/logisticRegression';
import type { InquiryClassification } from './victimInquiry';

/** The lexicon's phrase lists that its signals name ("kin:son", "illness:fever"). */
const SIGNAL_LISTS = [
  'kin',
  'person',
  'presence',
  'contact',
  'search',
  'fate',
  'harm',
  'illness',
  'urgent',
  'info',
];
/** A phrase said three times says no more than said three times less one: counts are capped. */
const MAX_COUNT = 3;
/** The fit's settings (triage/exemplars/FIT.md): a few features, so a light penalty and many steps. */
export const STACK_SETTINGS = { iterations: 3000, rate: 0.5, l2: 1e-3 };
/** How many features the rule reads: the classifier's logit, the exemplars' margin, then the lexicon's. */
export const STACK_FEATURES = 7 + SIGNAL_LISTS.length;

/**
 * What the rule reads of a message: the classifier's logit, how much closer its nearest victim
 * inquiries are than its nearest general questions (ExemplarNeighbours), and what the lexicon found.
 */
export function stackFeatures(logit: number, margin: number, lexicon: InquiryClassification): number[] {
  const counts = new Map<string, number>();
  for (const signal of lexicon.signals) {
    const list = signal.slice(0, signal.indexOf(':'));
    counts.set(list, (counts.get(list) ?? 0) + 1);
  }
  return [
    logit,
    margin,
    lexicon.score,
    lexicon.decision === 'd2' ? 1 : 0,
    lexicon.decision === 'unsure' ? 1 : 0,
    lexicon.concerned ? 1 : 0,
    lexicon.urgent ? 1 : 0,
    ...SIGNAL_LISTS.map((list) => Math.min(counts.get(list) ?? 0, MAX_COUNT)),
  ];
}

/**
 * The probability of a victim inquiry from the classifier's logit, the nearest exemplars and the
 * lexicon's evidence together: a logistic model over them (features standardised), fitted on
 * out-of-fold logits and margins so that it learns how far to trust them on messages they did not see.
 * It replaces a hand-set combination of the two (thresholds on each, exceptions for doubts about
 * illness or harm) that kept fewer general questions at the same recall (FIT.md).
 */
export class StackedRule {
  constructor(
    readonly mean: Float32Array,
    readonly scale: Float32Array,
    readonly weights: Float32Array,
    readonly bias: number,
  ) {
    if ([mean, scale, weights].some((v) => v.length !== STACK_FEATURES))
      throw new Error(`a stacked rule reads ${STACK_FEATURES} features`);
  }

  static fit(features: readonly number[][], labels: readonly number[]): StackedRule {
    const mean = new Float32Array(STACK_FEATURES);
    const scale = new Float32Array(STACK_FEATURES);
    for (let f = 0; f < STACK_FEATURES; f++) {
      const column = features.map((row) => row[f]!);
      const m = column.reduce((sum, v) => sum + v, 0) / column.length;
      const variance = column.reduce((sum, v) => sum + (v - m) ** 2, 0) / column.length;
      mean[f] = m;
      // A feature no training message has (a list that never matched) is read as a constant.
      scale[f] = Math.sqrt(variance) || 1;
    }
    const rule = new StackedRule(mean, scale, new Float32Array(STACK_FEATURES), 0);
    const { weights, bias } = fitLogistic(
      features.map((row) => rule.standardised(row)),
      labels,
      STACK_SETTINGS,
    );
    // Float32, as the cache keeps it: a rule read back decides exactly as the one fitted.
    return new StackedRule(mean, scale, Float32Array.from(weights), Math.fround(bias));
  }

  probability(features: readonly number[]): number {
    return sigmoid(dot(this.weights, this.standardised(features)) + this.bias);
  }

  /** How many numbers `pack` gives. */
  static readonly PACKED_LENGTH = 3 * STACK_FEATURES + 1;

  /** Mean, scale, weights and bias, one after the other: how the cache keeps it. */
  pack(): number[] {
    return [...this.mean, ...this.scale, ...this.weights, this.bias];
  }

  static unpack(values: ArrayLike<number>): StackedRule {
    const at = (k: number) =>
      Float32Array.from(Array.prototype.slice.call(values, k, k + STACK_FEATURES) as number[]);
    return new StackedRule(at(0), at(STACK_FEATURES), at(2 * STACK_FEATURES), values[3 * STACK_FEATURES]!);
  }

  private standardised(features: readonly number[]): number[] {
    return features.map((v, f) => (v - this.mean[f]!) / this.scale[f]!);
  }
}
