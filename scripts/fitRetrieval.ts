/**
 * `npm run fit:retrieval -- CONTENT QUESTIONS [CONTENT QUESTIONS ...]`: fits hybrid retrieval's
 * decision rule on development sets and writes it, with the data it came from and its figures,
 * to knowledge/retrieval-fit/fit.json. Held-out sets must never be given here: measure them with
 * `npm run eval` once the rule is fitted.
 *
 * For each hyperparameter pair (word weight, closest passages per language) it fits a logistic
 * model of "the best-ranked entry is the right one" on every answerable and off-topic question,
 * then picks the answer threshold that answers most questions right while answering at most
 * MAX_WRONG of all messages wrongly (an off-topic question answered counts as wrong). The rule
 * offers options from just above the probability it gives the best entry of a flat ranking. As in
 * the bot, a question that reads as an everyday one is never answered (knowledge/hybridDecision.ts).
 *
 * First it fits the query adapter (scripts/queryAdapterTraining.ts) on every set and writes it to
 * knowledge/retrieval-fit/query-adapter.json. The rule is fitted on rankings made by adapters that
 * never saw the set ranked (ADAPTER_FOLDS groups of sets), as it will meet a new crisis: in-sample
 * rankings would look surer than they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../bot/paths';
import { Retriever, validateContent, type Lang } from '../knowledge';
import { everydayQuestions } from '../knowledge/everydayQuestions';
import {
  entryFeatures,
  featureVector,
  readsAsEveryday,
  type EntryFeatures,
  type HybridRule,
} from '../knowledge/hybridDecision';
import { contentPassages, contentQuestions, type Passage } from '../knowledge/passages';
import type { QueryAdapter } from '../knowledge/queryAdapter';
import { SemanticIndex } from '../knowledge/semanticIndex';
import { fitLogistic, sigmoid, type Embedder, type Vector } from '../semantic';
import {
  ADAPTER_SETTINGS,
  earlyStoppingEpochs,
  trainAdapter,
  type TrainingCrisis,
  type TrainingExample,
} from './queryAdapterTraining';
import { scriptEmbedder } from './scriptEmbedder';

/** Below the 3% of wrong answers a crisis may bear, with room for sets the fit never saw. */
const MAX_WRONG = 0.025;
const WORD_WEIGHTS = [0, 0.03, 0.05, 0.1];
const CLOSEST_PER_LANGUAGE = [2, 3];
/** 0.5 to 0.9 by 0.025. */
const THRESHOLDS = Array.from({ length: 17 }, (_, i) => Math.round((0.5 + 0.025 * i) * 1000) / 1000);
/**
 * A flat ranking: every entry equally close, the best one holding one vote in eight, no word
 * agreeing, for a question of a typical length (the development questions' median is 11 words).
 * Below the probability the rule gives its best entry, nothing stands out: nothing to offer.
 */
const FLAT: EntryFeatures = {
  vote: 1 / 8,
  leadOverMean: 0,
  leadOverRunnerUp: 0,
  wordsAgree: false,
  wordConfidence: 0,
  questionWords: 10,
};

/** The next multiple of 0.05 above the flat ranking's probability. */
function offerThreshold(weights: number[], bias: number): number {
  const flat = sigmoid(featureVector(FLAT).reduce((sum, v, i) => sum + v * weights[i]!, bias));
  return Math.floor(flat * 20 + 1) / 20;
}
const FIT_FILE = path.join(projectRoot(), 'knowledge', 'retrieval-fit', 'fit.json');
const ADAPTER_FILE = path.join(projectRoot(), 'knowledge', 'retrieval-fit', 'query-adapter.json');
/** Groups of sets for the out-of-set rankings; every ADAPTER_FOLDS-th set also decides when training stops. */
const ADAPTER_FOLDS = 3;

interface Case {
  text: string;
  lang: Lang;
  expect: { kind: string; faqId?: string };
}

interface Question {
  set: string;
  text: string;
  expected: string | undefined;
  words: ReturnType<Retriever['search']>;
  vector: Vector;
  index: SemanticIndex;
  languages: number;
}

interface LoadedSet {
  passages: Passage[];
  passageVectors: Vector[];
  everydayVectors: Vector[];
  training: TrainingCrisis;
  questions: Omit<Question, 'index'>[];
}

async function loadSet(
  contentFile: string,
  questionsFile: string,
  embedder: Embedder,
  everydayVectors: Vector[],
): Promise<LoadedSet> {
  const validated = validateContent(JSON.parse(fs.readFileSync(contentFile, 'utf8')));
  if (!validated.ok) throw new Error(`${contentFile}: ${validated.problems.join('; ')}`);
  const content = validated.content;
  const passages = contentPassages(content);
  const passageVectors = await embedder.embedPassages(passages.map((p) => p.text));
  const retriever = new Retriever(content);
  const cases = (JSON.parse(fs.readFileSync(questionsFile, 'utf8')) as { cases: Case[] }).cases.filter(
    (c) => c.expect.kind === 'answer' || c.expect.kind === 'not-answer',
  );
  const vectors = await embedAll(
    embedder,
    cases.map((c) => c.text),
  );
  const entryOf = new Map(content.faqs.map((faq, i) => [faq.id, i]));
  const questions = cases.map((c, i) => ({
    set: path.basename(questionsFile),
    text: c.text,
    expected: c.expect.kind === 'answer' ? c.expect.faqId : undefined,
    words: retriever.search(c.text, c.lang),
    vector: vectors[i]!,
    languages: content.crisis.languages.length,
  }));
  return {
    passages,
    passageVectors,
    everydayVectors,
    questions,
    training: {
      passages: passageVectors,
      entryOf: passages.map((p) => entryOf.get(p.faqId)!),
      questions: questions.flatMap((q) =>
        q.expected ? [{ vector: q.vector, entry: entryOf.get(q.expected)! }] : [],
      ),
      pseudoQuestions: await pseudoQuestions(entryOf, passages, contentQuestions(content), embedder),
    },
  };
}

/**
 * The FAQ's own questions and alternatives as questions, each hidden from its own passages (the
 * same text, and its question with the answer) so that it must be matched by the others.
 */
async function pseudoQuestions(
  entryOf: ReadonlyMap<string, number>,
  passages: Passage[],
  texts: Passage[],
  embedder: Embedder,
): Promise<TrainingExample[]> {
  const vectors = await embedAll(
    embedder,
    texts.map((t) => t.text),
  );
  return texts.map((t, i) => ({
    vector: vectors[i]!,
    entry: entryOf.get(t.faqId)!,
    hidden: new Set(
      passages.flatMap((p, j) =>
        p.faqId === t.faqId && (p.text === t.text || p.text.startsWith(`${t.text}\n`)) ? [j] : [],
      ),
    ),
  }));
}

async function embedAll(embedder: Embedder, texts: string[]): Promise<Vector[]> {
  const vectors = await Promise.all(texts.map((text) => embedder.embedQuery(text)));
  return vectors.map((vector, i) => {
    if (!vector) throw new Error(`no vector for "${texts[i]}": is the model up?`);
    return vector;
  });
}

/**
 * The adapter fitted on every set, and each set's questions ranked by an adapter fitted without
 * it, with how often the right entry comes first with and without adapters.
 */
function fitAdapter(sets: LoadedSet[], model: string) {
  const inFold = (k: number) => (_: LoadedSet, i: number) => i % ADAPTER_FOLDS === k;
  const outOfFold = (k: number) => (_: LoadedSet, i: number) => i % ADAPTER_FOLDS !== k;
  const training = (group: LoadedSet[]) => group.map((s) => s.training);
  const epochs = earlyStoppingEpochs(
    training(sets.filter(outOfFold(ADAPTER_FOLDS - 1))),
    training(sets.filter(inFold(ADAPTER_FOLDS - 1))),
  );
  const adapter = trainAdapter(model, training(sets), epochs);
  const questions: Question[] = [];
  for (let k = 0; k < ADAPTER_FOLDS; k++) {
    const foldAdapter = trainAdapter(model, training(sets.filter(outOfFold(k))), epochs);
    for (const set of sets.filter(inFold(k))) questions.push(...ranked(set, foldAdapter));
  }
  const unadapted = sets.flatMap((set) => ranked(set));
  return { adapter, epochs, questions, unadapted };
}

function ranked(set: LoadedSet, adapter?: QueryAdapter): Question[] {
  const index = new SemanticIndex(set.passages, set.passageVectors, adapter, set.everydayVectors);
  return set.questions.map((q) => ({ ...q, index }));
}

/** How many answerable questions of each set have the right entry ranked first. */
function rankedFirst(questions: Question[], rule: HybridRule): Map<string, number> {
  const counts = new Map<string, number>();
  topEntries(questions, rule.wordWeight, rule.closestPerLanguage).forEach((e) => {
    if (e.right) counts.set(e.q.set, (counts.get(e.q.set) ?? 0) + 1);
  });
  return counts;
}

/** The best-ranked entry of each question under a word weight and a vote size, with its features. */
function topEntries(questions: Question[], wordWeight: number, closestPerLanguage: number) {
  return questions.map((q) => {
    const rule = { wordWeight, closestPerLanguage } as HybridRule;
    const ranking = q.index.rank(q.vector, closestPerLanguage * q.languages);
    const features = entryFeatures(ranking, q.words.ranked, q.text, rule);
    const top = features[0]!;
    const options = features.slice(0, 3).map((e) => e.faqId);
    const everyday = readsAsEveryday(ranking);
    return { q, top, options, everyday, x: featureVector(top.features), right: top.faqId === q.expected };
  });
}

function score(
  entries: ReturnType<typeof topEntries>,
  weights: number[],
  bias: number,
  answerAt: number,
  offerAt: number,
) {
  let right = 0;
  let wrong = 0;
  let offered = 0;
  let offTopicFoundNothing = 0;
  for (const e of entries) {
    const p = sigmoid(e.x.reduce((sum, v, i) => sum + v * weights[i]!, bias));
    if (p >= answerAt && !e.everyday) {
      if (e.right) right++;
      else wrong++;
    } else if (p >= offerAt && e.q.expected && e.options.includes(e.q.expected)) offered++;
    else if (p < offerAt && !e.q.expected) offTopicFoundNothing++;
  }
  const answerable = entries.filter((e) => e.q.expected).length;
  return { right, wrong, offered, answerable, offTopicFoundNothing, messages: entries.length };
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.length % 2 !== 0) {
    console.error('usage: npm run fit:retrieval -- CONTENT QUESTIONS [CONTENT QUESTIONS ...]');
    process.exit(2);
  }
  const { embedder, stop } = await scriptEmbedder(pino({ level: 'warn' }));
  try {
    const everydayVectors = await embedder.embedPassages(everydayQuestions());
    const sets: LoadedSet[] = [];
    for (let i = 0; i < files.length; i += 2)
      sets.push(await loadSet(files[i]!, files[i + 1]!, embedder, everydayVectors));
    const { adapter, epochs, questions, unadapted } = fitAdapter(sets, embedder.model);

    let best: { rule: HybridRule; figures: ReturnType<typeof score> } | undefined;
    const table = [];
    for (const wordWeight of WORD_WEIGHTS)
      for (const closestPerLanguage of CLOSEST_PER_LANGUAGE) {
        const entries = topEntries(questions, wordWeight, closestPerLanguage);
        const { weights, bias } = fitLogistic(
          entries.map((e) => e.x),
          entries.map((e) => (e.right ? 1 : 0)),
        );
        const offerAt = offerThreshold(weights, bias);
        for (const answerAt of THRESHOLDS) {
          const figures = score(entries, weights, bias, answerAt, offerAt);
          table.push({ wordWeight, closestPerLanguage, answerAt, ...figures });
          if (figures.wrong > MAX_WRONG * figures.messages) continue;
          if (
            !best ||
            figures.right > best.figures.right ||
            (figures.right === best.figures.right && figures.wrong < best.figures.wrong)
          )
            best = {
              rule: {
                wordWeight,
                closestPerLanguage,
                weights: weights.map(round),
                bias: round(bias),
                answerAt,
                offerAt,
              },
              figures,
            };
        }
      }
    if (!best) throw new Error('no rule keeps wrong answers under the limit');

    const first = rankedFirst(questions, best.rule);
    const firstUnadapted = rankedFirst(unadapted, best.rule);
    const perSet = [...new Set(questions.map((q) => q.set))].map((set) => {
      const entries = topEntries(
        questions.filter((q) => q.set === set),
        best.rule.wordWeight,
        best.rule.closestPerLanguage,
      );
      return {
        set,
        ...score(entries, best.rule.weights, best.rule.bias, best.rule.answerAt, best.rule.offerAt),
        rankedFirst: first.get(set) ?? 0,
        rankedFirstUnadapted: firstUnadapted.get(set) ?? 0,
      };
    });
    const record = {
      about:
        'Decision rule of hybrid retrieval, written by `npm run fit:retrieval` (scripts/fitRetrieval.ts); see FIT.md beside this file.',
      model: embedder.model,
      fittedOn: pairs(files).map(([content, questions]) => ({ content, questions })),
      maxWrongShare: MAX_WRONG,
      queryAdapter: { file: path.basename(ADAPTER_FILE), ...ADAPTER_SETTINGS, epochs, folds: ADAPTER_FOLDS },
      features: [
        'vote',
        'leadOverMean x10',
        'leadOverRunnerUp x10',
        'wordsAgree',
        'wordConfidence',
        'log(question words)',
      ],
      rule: best.rule,
      figures: best.figures,
      perSet,
    };
    fs.writeFileSync(ADAPTER_FILE, `${JSON.stringify(adapter, null, 2)}\n`);
    fs.writeFileSync(FIT_FILE, `${JSON.stringify(record, null, 2)}\n`);
    console.table(table.filter((row) => row.answerAt === best.rule.answerAt));
    console.log(JSON.stringify({ rule: best.rule, figures: best.figures, perSet }, null, 2));
  } finally {
    await stop();
  }
}

function pairs(files: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < files.length; i += 2) out.push([files[i]!, files[i + 1]!]);
  return out;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

void main();
