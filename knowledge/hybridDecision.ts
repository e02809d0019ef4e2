import fit from './retrieval-fit/fit.json';
import type { Candidate, Decision } from './retriever';
import type { SemanticRanking } from './semanticIndex';

/**
 * The decision rule of hybrid retrieval, fitted on development sets (see
 * knowledge/retrieval-fit/FIT.md, reproduced by `npm run fit:retrieval`).
 *
 * Entries are ranked by meaning (cosine similarity of the question to the entry's closest passage,
 * in any language of the crisis) plus a little of the word search's confidence. Similarities of an
 * e5 model sit in a narrow band whatever the question, so no similarity threshold tells a good
 * match from an off-topic question; what does is how much the best entry stands out: from the
 * others on average, from the runner-up, how many of the closest passages (in every language)
 * belong to it, and whether the word search agrees. A logistic model of these features estimates
 * the probability that the best entry is the right one. It also reads how long the question is:
 * a long message spreads its meaning over more words, so its similarities sit closer together and
 * the same lead says more of it than of a short one.
 */
export interface HybridRule {
  /** Weight of the word search's confidence in the ranking score. */
  wordWeight: number;
  /** Closest passages that vote, per language of the crisis. */
  closestPerLanguage: number;
  /** Logistic weights, in the order of `featureVector`, and the bias. */
  weights: number[];
  bias: number;
  /** Answer at or above this probability that the best entry is right; below `offerAt` nothing fits. */
  answerAt: number;
  offerAt: number;
}

export const HYBRID_RULE: HybridRule = fit.rule;
/**
 * How much closer to an everyday question than to any entry a question must be for the bot to
 * offer options instead of answering, however sure the rule is: "is the library open on Monday"
 * may rank a crisis's schools entry first by a wide lead, and what tells it apart is that it reads
 * like what a town is asked on any day (knowledge/retrieval-fit/FIT.md, sixteenth session).
 */
export const EVERYDAY_MARGIN = 0.03;
const MAX_OPTIONS = 3;
const MAX_NEAREST = 4;

export interface HybridOutcome {
  decision: Decision;
  best: Candidate;
  candidates: Candidate[];
  nearest: Candidate[];
  ranked: Candidate[];
}

/** What the rule looks at for one entry. */
export interface EntryFeatures {
  vote: number;
  leadOverMean: number;
  leadOverRunnerUp: number;
  wordsAgree: boolean;
  wordConfidence: number;
  /** Words of the question (the same for every entry). */
  questionWords: number;
}

/**
 * The features as the logistic model takes them; the leads are scaled to the range of the others,
 * and the length is a logarithm: a fifth word changes more than a fiftieth.
 */
export function featureVector(f: EntryFeatures): number[] {
  return [
    f.vote,
    10 * f.leadOverMean,
    10 * f.leadOverRunnerUp,
    f.wordsAgree ? 1 : 0,
    f.wordConfidence,
    Math.log(Math.max(1, f.questionWords)),
  ];
}

/** How many words a question has, as the rule counts them. */
function wordCount(question: string): number {
  return question.split(/\s+/).filter(Boolean).length;
}

/** The probability that an entry is the one that answers, from its features. */
export function answerProbability(f: EntryFeatures, rule: HybridRule = HYBRID_RULE): number {
  const z = featureVector(f).reduce((sum, v, i) => sum + v * rule.weights[i]!, rule.bias);
  return 1 / (1 + Math.exp(-z));
}

/** Each entry's features, ranked by the fused score, best first. */
export function entryFeatures(
  semantic: SemanticRanking,
  words: Candidate[],
  question: string,
  rule: HybridRule = HYBRID_RULE,
): { faqId: string; score: number; features: EntryFeatures }[] {
  const wordOf = new Map(words.map((c) => [c.faqId, c.confidence]));
  const wordTop = words[0]?.faqId;
  const scored = semantic.entries
    .map((e) => ({ faqId: e.faqId, score: e.similarity + rule.wordWeight * (wordOf.get(e.faqId) ?? 0) }))
    .sort((a, b) => b.score - a.score);
  const mean = scored.reduce((sum, e) => sum + e.score, 0) / Math.max(1, scored.length);
  const voters = semantic.closestPassages.length;
  const questionWords = wordCount(question);
  return scored.map((e, i) => {
    const rival = i === 0 ? (scored[1]?.score ?? e.score) : scored[0]!.score;
    const votes = semantic.closestPassages.filter((id) => id === e.faqId).length;
    return {
      faqId: e.faqId,
      score: e.score,
      features: {
        vote: voters > 0 ? votes / voters : 0,
        leadOverMean: e.score - mean,
        leadOverRunnerUp: e.score - rival,
        wordsAgree: e.faqId === wordTop,
        wordConfidence: wordOf.get(e.faqId) ?? 0,
        questionWords,
      },
    };
  });
}

/**
 * Answer, clarify with two or three options, or nothing found. A question that reads as an
 * everyday one is offered options at most.
 */
export function decideHybrid(
  semantic: SemanticRanking,
  words: Candidate[],
  question: string,
  rule: HybridRule = HYBRID_RULE,
): HybridOutcome {
  const ranked = entryFeatures(semantic, words, question, rule).map((e) => ({
    faqId: e.faqId,
    confidence: round(answerProbability(e.features, rule)),
  }));
  const best = ranked[0]!;
  const options = ranked.slice(0, MAX_OPTIONS);
  const nearest = ranked.slice(0, MAX_NEAREST);
  if (best.confidence >= rule.answerAt && !readsAsEveryday(semantic))
    return { decision: 'answer', best, candidates: options, nearest, ranked };
  // Never a single option: a clarification is a choice.
  if (best.confidence >= rule.offerAt && options.length >= 2)
    return { decision: 'clarify', best, candidates: options, nearest, ranked };
  return { decision: 'none', best, candidates: [], nearest, ranked };
}

/** Whether the question is closer to an everyday question than to every entry, by EVERYDAY_MARGIN. */
export function readsAsEveryday({ everyday, entries }: SemanticRanking): boolean {
  const closest = entries[0]?.similarity;
  return everyday !== undefined && closest !== undefined && everyday - closest > EVERYDAY_MARGIN;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
