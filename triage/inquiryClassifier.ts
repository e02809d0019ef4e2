import { dot, fitLogistic, sigmoid } from '../semantic/logisticRegression';
import type { Vector } from '../semantic';
import { PERSON_REQUEST_KIND, UNNAMED_KIND, type Exemplar } from './exemplars';
import { ExemplarNeighbours } from './exemplarNeighbours';
import { StackedRule, stackFeatures } from './stackedRule';
import { classifyInquiry, type InquiryClassification, type InquiryDecision } from './victimInquiry';

/**
 * The rule and its constants, fitted on development data only (triage/exemplars/FIT.md). The
 * stacked rule gives the probability that a message is a victim inquiry; from POSSIBLE_AT the bot
 * asks whether the message is about someone who may be affected, from STRONG_AT it takes it for
 * a victim inquiry at once, unless nobody but the writer can be the one affected.
 */
export const POSSIBLE_AT = 0.25;
/**
 * The same for a message the lexicon finds nobody in, read by the classifier that also learnt the
 * general questions nobody is named in: the writer's own symptoms in other words ("ringing in the
 * ears since the blast") sit lower there, general questions far lower (FIT.md).
 */
export const POSSIBLE_UNNAMED_AT = 0.2;
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

/** One way of reading a message: the victim classifier, its stacked rule and the exemplars it learnt from. */
export interface VictimReading {
  victim: Linear;
  rule: StackedRule;
  /** For the rule's nearest-exemplar margin. */
  neighbours: ExemplarNeighbours;
}

/**
 * A linear classifier over the message's e5 query vector, fitted on the exemplars (victim
 * inquiries, and general questions that name relatives or symptoms) and on the general questions
 * of the shipped crisis templates, read together with the lexicon's evidence by a stacked rule. A
 * linear boundary weighs every direction of the meaning at once, where the nearest exemplars let
 * one close phrasing ("my parrot is still in the house" near "my son is still in the house") decide.
 *
 * It reads a message in one of two ways. Where the lexicon finds someone (a relative, a person,
 * contact lost, harm, illness...), with the classifier fitted on the exemplars above. Where it
 * finds nobody ("the cellar is still full of water and it stinks"), with one fitted on them and on
 * the development crises' general questions nobody is named in too: citizens' own questions about
 * their homes and streets, typed as citizens type, which the exemplars lack, so that a stressed
 * tone alone no longer reads as an inquiry. Those questions are kept from the first reading: there
 * they lowered inquiries that name someone quietly (FIT.md).
 *
 * A second linear classifier of the same vector tells requests for a person from everything else,
 * for the requests no phrase of the lexicon names.
 */
export class InquiryClassifier {
  constructor(
    /** For a message in which the lexicon finds someone or something happening to someone. */
    readonly aboutSomeone: VictimReading,
    /** For a message in which it finds nothing (InquiryClassification.silent). */
    readonly aboutNoOne: VictimReading,
    /** Requests for a person against every other exemplar: asked of what the lexicon reads as general. */
    readonly personRequest: Linear,
  ) {}

  /** Fitted on exemplars and their vectors (same order). */
  static fit(exemplars: readonly Exemplar[], vectors: readonly Vector[]): InquiryClassifier {
    if (exemplars.length !== vectors.length)
      throw new Error(`${vectors.length} vectors for ${exemplars.length} exemplars`);
    const labels = exemplars.map((e) => (e.label === 'd2' ? 1 : 0));
    const all = [...exemplars.keys()];
    // Requests for a person never reach the victim classifier (the bot asks them of the other), so
    // they are no part of what it learns.
    const readable = all.filter((i) => exemplars[i]!.kind !== PERSON_REQUEST_KIND);
    // The unnamed general questions last: the first reading's exemplars are then a prefix of the
    // second's, and the cache keeps their vectors once.
    const named = readable.filter((i) => exemplars[i]!.kind !== UNNAMED_KIND);
    const unnamed = readable.filter((i) => exemplars[i]!.kind === UNNAMED_KIND);
    const personRequest = fitLinear(
      all.map((i) => vectors[i]!),
      exemplars.map((e) => (e.kind === PERSON_REQUEST_KIND ? 1 : 0)),
    );
    return new InquiryClassifier(
      fitReading(named, exemplars, vectors, labels),
      fitReading([...named, ...unnamed], exemplars, vectors, labels),
      personRequest,
    );
  }

  /**
   * How the cache keeps it, as one vector: the dimensions, the number of exemplars of the first
   * reading and of the second, each reading's victim classifier (weights, bias) and stacked rule,
   * the person-request classifier's weights and bias, then the second reading's exemplars' labels
   * and vectors (the first reading's are their first ones).
   */
  pack(): Float32Array {
    const { aboutSomeone, aboutNoOne, personRequest } = this;
    const dims = personRequest.weights.length;
    const reading = ({ victim, rule }: VictimReading) => [...victim.weights, victim.bias, ...rule.pack()];
    const head = [
      dims,
      aboutSomeone.neighbours.size,
      aboutNoOne.neighbours.size,
      ...reading(aboutSomeone),
      ...reading(aboutNoOne),
      ...personRequest.weights,
      personRequest.bias,
      ...aboutNoOne.neighbours.labels,
    ];
    const packed = new Float32Array(head.length + aboutNoOne.neighbours.vectors.length);
    packed.set(head);
    packed.set(aboutNoOne.neighbours.vectors, head.length);
    return packed;
  }

  /** Read back from `pack`; undefined when the numbers cannot be one. */
  static unpack(values: Float32Array): InquiryClassifier | undefined {
    const [dims = 0, named = 0, size = 0] = values;
    const readingLength = dims + 1 + StackedRule.PACKED_LENGTH;
    const personStart = 3 + 2 * readingLength;
    const labelsStart = personStart + dims + 1;
    const vectorsStart = labelsStart + size;
    const whole =
      [dims, named, size].every(Number.isInteger) &&
      dims >= 1 &&
      named >= 0 &&
      named <= size &&
      values.length === vectorsStart + size * dims;
    if (!whole || !values.every(Number.isFinite)) return undefined;
    const labels = Uint8Array.from(values.subarray(labelsStart, vectorsStart));
    const vectors = values.slice(vectorsStart);
    const reading = (start: number, neighbours: ExemplarNeighbours): VictimReading => ({
      victim: { weights: values.slice(start, start + dims), bias: values[start + dims]! },
      rule: StackedRule.unpack(values.slice(start + dims + 1, start + readingLength)),
      neighbours,
    });
    return new InquiryClassifier(
      reading(3, new ExemplarNeighbours(dims, vectors.subarray(0, named * dims), labels.subarray(0, named))),
      reading(3 + readingLength, new ExemplarNeighbours(dims, vectors, labels)),
      { weights: values.slice(personStart, personStart + dims), bias: values[personStart + dims]! },
    );
  }

  opinion(vector: Vector, lexicon: InquiryClassification): SemanticOpinion {
    const dims = this.personRequest.weights.length;
    if (vector.length !== dims)
      throw new Error(`a vector of ${vector.length} dimensions for a classifier of ${dims}`);
    const logit = (linear: Linear) => dot(linear.weights, vector) + linear.bias;
    const { victim, rule, neighbours } = lexicon.silent ? this.aboutNoOne : this.aboutSomeone;
    const probability = rule.probability(stackFeatures(logit(victim), neighbours.margin(vector), lexicon));
    const possibleAt = lexicon.silent ? POSSIBLE_UNNAMED_AT : POSSIBLE_AT;
    // Alone, the classifier takes a message for an inquiry at once only when someone else may be
    // affected: the writer's own symptoms get the yes/no question, beside the entries they may be
    // asking about (FIT.md, thirteenth session).
    const strong = probability >= STRONG_AT && !lexicon.aboutTheWriterAlone;
    const decision: InquiryDecision = strong ? 'd2' : probability >= possibleAt ? 'unsure' : 'd5';
    return { decision, probability, personRequest: sigmoid(logit(this.personRequest)) >= PERSON_REQUEST_AT };
  }
}

/**
 * The victim classifier fitted on the exemplars `rows`, and the stacked rule on its out-of-fold
 * logits and margins (each exemplar read by a classifier and exemplars that never saw it).
 */
function fitReading(
  rows: readonly number[],
  exemplars: readonly Exemplar[],
  vectors: readonly Vector[],
  labels: readonly number[],
): VictimReading {
  const linear = (of: readonly number[]) =>
    fitLinear(
      of.map((i) => vectors[i]!),
      of.map((i) => labels[i]!),
    );
  const neighboursOf = (of: readonly number[]) =>
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
      stackFeatures(logits.get(i)!, margins.get(i)!, classifyInquiry(exemplars[i]!.text, exemplars[i]!.lang)),
    ),
    rows.map((i) => labels[i]!),
  );
  return { victim: linear(rows), rule, neighbours: neighboursOf(rows) };
}

function fitLinear(vectors: readonly Vector[], labels: readonly number[]): Linear {
  return float32(fitLogistic(vectors, labels, FIT_SETTINGS));
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

/** How a message is routed: its victim-inquiry decision, and whether it asked for a person. */
export interface MessageRoute {
  inquiry: InquiryClassification;
  personRequest: boolean;
}

/**
 * A request for a person (in the lexicon's words, or in the person-request classifier's opinion)
 * keeps the lexicon's reading, since "can I talk to someone" is close in meaning to "I cannot
 * reach someone" and it reaches a person anyway, unless it names a relative and the second
 * opinion is sure of a victim inquiry: "can someone contact me, my husband was at the station"
 * is for the D2 staff. Otherwise the request stands for after the yes/no question, should the
 * citizen say no.
 */
export function routeMessage(
  lexicon: InquiryClassification,
  opinion: SemanticOpinion | undefined,
  asksInWords: boolean,
): MessageRoute {
  const personRequest = asksInWords || opinion?.personRequest === true;
  const surelyAnInquiry = lexicon.namesARelative && opinion?.decision === 'd2';
  if (lexicon.decision === 'd5' && personRequest && !surelyAnInquiry)
    return { inquiry: lexicon, personRequest };
  return { inquiry: withSecondOpinion(lexicon, opinion), personRequest };
}
