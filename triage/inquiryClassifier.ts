import { dot, fitLogistic, sigmoid } from '../semantic/logisticRegression';
import type { Vector } from '../semantic';
import { PERSON_REQUEST_KIND, type Exemplar } from './exemplars';
import { ExemplarNeighbours } from './exemplarNeighbours';
import { StackedRule, stackFeatures } from './stackedRule';
import { classifyInquiry, type InquiryClassification, type InquiryDecision } from './victimInquiry';

/**
 * The rule and its constants, fitted on development data only (triage/exemplars/FIT.md). The
 * stacked rule gives the probability that a message is a victim inquiry; from POSSIBLE_AT the bot
 * asks whether the message is about someone who may be affected, from STRONG_AT it takes it for
 * a victim inquiry at once.
 */
export const POSSIBLE_AT = 0.3;
export const STRONG_AT = 0.75;
/** From this probability a message the lexicon reads as general is a request for a person (FIT.md). */
export const PERSON_REQUEST_AT = 0.3;
/** The linear classifier's settings (FIT.md): strong enough a penalty that no single phrasing dominates. */
export const FIT_SETTINGS = { iterations: 1000, rate: 4, l2: 3e-4 };
/** Folds of the out-of-fold logits the stacked rule is fitted on. */
export const FOLDS = 5;

/** What the second opinion says of a message. */
export interface SemanticOpinion {
  decision: InquiryDecision;
  /** The probability that the message is a victim inquiry. */
  probability: number;
  /** Whether it asks for a person instead of the bot ("is there anybody real behind this?"). */
  personRequest: boolean;
}

/** A linear classifier of the vector alone. */
interface Linear {
  weights: Float32Array;
  bias: number;
}

/**
 * A linear classifier over the message's e5 query vector, fitted on the exemplars (victim
 * inquiries, and general questions that name relatives or symptoms) and on the general questions
 * of the shipped crisis templates, read together with the lexicon's evidence by a stacked rule. A
 * linear boundary weighs every direction of the meaning at once, where the nearest exemplars let
 * one close phrasing ("my parrot is still in the house" near "my son is still in the house") decide.
 * A second linear classifier of the same vector tells requests for a person from everything else,
 * for the requests no phrase of the lexicon names.
 */
export class InquiryClassifier {
  constructor(
    readonly victim: Linear,
    readonly rule: StackedRule,
    /** Requests for a person against every other exemplar: asked of what the lexicon reads as general. */
    readonly personRequest: Linear,
    /** The exemplars the victim classifier learnt from, for the rule's nearest-exemplar margin. */
    readonly neighbours: ExemplarNeighbours,
  ) {}

  /** Fitted on exemplars and their vectors (same order). */
  static fit(exemplars: readonly Exemplar[], vectors: readonly Vector[]): InquiryClassifier {
    if (exemplars.length !== vectors.length)
      throw new Error(`${vectors.length} vectors for ${exemplars.length} exemplars`);
    const labels = exemplars.map((e) => (e.label === 'd2' ? 1 : 0));
    const linear = (rows: number[], of: readonly number[] = labels) =>
      fitLogistic(
        rows.map((i) => vectors[i]!),
        rows.map((i) => of[i]!),
        FIT_SETTINGS,
      );
    const all = [...exemplars.keys()];
    // Requests for a person never reach the victim classifier (the bot asks them of the other), so
    // they are no part of what it learns.
    const rows = all.filter((i) => exemplars[i]!.kind !== PERSON_REQUEST_KIND);
    const victim = linear(rows);
    const neighboursOf = (of: number[]) =>
      ExemplarNeighbours.of(
        of.map((i) => vectors[i]!),
        of.map((i) => labels[i]!),
      );
    // The rule must learn how the classifier and the nearest exemplars do on messages they have
    // not seen, as in service.
    const logits = new Map<number, number>();
    const margins = new Map<number, number>();
    for (let fold = 0; fold < FOLDS; fold++) {
      const training = rows.filter((_, k) => k % FOLDS !== fold);
      const fitted = linear(training);
      const near = neighboursOf(training);
      for (const i of rows.filter((_, k) => k % FOLDS === fold)) {
        logits.set(i, dot(fitted.weights, vectors[i]!) + fitted.bias);
        margins.set(i, near.margin(vectors[i]!));
      }
    }
    const rule = StackedRule.fit(
      rows.map((i) =>
        stackFeatures(
          logits.get(i)!,
          margins.get(i)!,
          classifyInquiry(exemplars[i]!.text, exemplars[i]!.lang),
        ),
      ),
      rows.map((i) => labels[i]!),
    );
    const personRequest = linear(
      all,
      exemplars.map((e) => (e.kind === PERSON_REQUEST_KIND ? 1 : 0)),
    );
    return new InquiryClassifier(float32(victim), rule, float32(personRequest), neighboursOf(rows));
  }

  /**
   * How the cache keeps it, as one vector: the dimensions and the number of exemplars, the victim
   * classifier's weights and bias, the stacked rule, the person-request classifier's weights and
   * bias, then the exemplars' labels and their vectors.
   */
  pack(): Float32Array {
    const { victim, rule, personRequest, neighbours } = this;
    const dims = victim.weights.length;
    const head = [
      dims,
      neighbours.size,
      ...victim.weights,
      victim.bias,
      ...rule.pack(),
      ...personRequest.weights,
      personRequest.bias,
      ...neighbours.labels,
    ];
    const packed = new Float32Array(head.length + neighbours.vectors.length);
    packed.set(head);
    packed.set(neighbours.vectors, head.length);
    return packed;
  }

  /** Read back from `pack`; undefined when the numbers cannot be one. */
  static unpack(values: Float32Array): InquiryClassifier | undefined {
    const [dims = 0, size = 0] = values;
    const ruleStart = 2 + dims + 1;
    const personStart = ruleStart + StackedRule.PACKED_LENGTH;
    const labelsStart = personStart + dims + 1;
    const vectorsStart = labelsStart + size;
    const whole =
      Number.isInteger(dims) &&
      Number.isInteger(size) &&
      dims >= 1 &&
      size >= 0 &&
      values.length === vectorsStart + size * dims;
    if (!whole || !values.every(Number.isFinite)) return undefined;
    return new InquiryClassifier(
      { weights: values.slice(2, 2 + dims), bias: values[2 + dims]! },
      StackedRule.unpack(values.slice(ruleStart, personStart)),
      { weights: values.slice(personStart, personStart + dims), bias: values[personStart + dims]! },
      new ExemplarNeighbours(
        dims,
        values.slice(vectorsStart),
        Uint8Array.from(values.subarray(labelsStart, vectorsStart)),
      ),
    );
  }

  opinion(vector: Vector, lexicon: InquiryClassification): SemanticOpinion {
    const dims = this.victim.weights.length;
    if (vector.length !== dims)
      throw new Error(`a vector of ${vector.length} dimensions for a classifier of ${dims}`);
    const logit = (linear: Linear) => dot(linear.weights, vector) + linear.bias;
    const probability = this.rule.probability(
      stackFeatures(logit(this.victim), this.neighbours.margin(vector), lexicon),
    );
    const decision: InquiryDecision =
      probability >= STRONG_AT ? 'd2' : probability >= POSSIBLE_AT ? 'unsure' : 'd5';
    return { decision, probability, personRequest: sigmoid(logit(this.personRequest)) >= PERSON_REQUEST_AT };
  }
}

/** Float32, as the cache keeps it: a classifier read back decides exactly as the one fitted. */
function float32({ weights, bias }: { weights: number[]; bias: number }): Linear {
  return { weights: Float32Array.from(weights), bias: Math.fround(bias) };
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
