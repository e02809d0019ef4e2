import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { Retriever, validateContent, type Lang, type SearchOutcome } from '../../knowledge';
import { semanticIndexOf } from '../../knowledge/contentVectors';
import type { Vector } from '../../semantic';
import { useTestDatabase } from '../helpers/db';
import { testEmbedder } from '../helpers/embedder';

/**
 * Retrieval quality by words alone (what the bot does while the model is down) on the demo crisis
 * and a river flood, D2 and handoff cases belonging to other layers. The safety bounds are the
 * product's: at most 5% of all messages answered from a wrong entry, no off-topic question
 * answered. The floors guard what is reached against regressions; README gives the figures.
 */
const FLOOR_RIGHT_OR_OFFERED = 0.8;
const FLOOR_ANSWERED_RIGHT = 0.5;
/**
 * With the model, on the development sets the hybrid rule was fitted on (knowledge/retrieval-fit):
 * floors a little under the fit's figures, so that a change that loses ground fails here. How the
 * rule does on crises it never saw is measured by `npm run eval` (README).
 */
const HYBRID_FLOOR_ANSWERED_RIGHT = 0.65;
const HYBRID_FLOOR_RIGHT_OR_OFFERED = 0.95;
/**
 * The product's bar for wrong answers, over the development sets together: the rule is fitted
 * to 2.5% over thirty-two sets; one small set alone may go above (the demo: 4 of 48 out of set).
 */
const HYBRID_MAX_WRONG = 0.03;

interface Case {
  text: string;
  lang: Lang;
  expect: { kind: string; faqId?: string };
}

const fixture = (name: string) => path.resolve(__dirname, '../fixtures', name);

function load(contentFile: string, questionsFile: string) {
  const validated = validateContent(JSON.parse(fs.readFileSync(contentFile, 'utf8')));
  if (!validated.ok) throw new Error(validated.problems.join('\n'));
  const cases = (JSON.parse(fs.readFileSync(questionsFile, 'utf8')) as { cases: Case[] }).cases.filter(
    (c) => c.expect.kind === 'answer' || c.expect.kind === 'not-answer',
  );
  return { content: validated.content, cases };
}

function evaluate(contentFile: string, questionsFile: string) {
  const { content, cases } = load(contentFile, questionsFile);
  const retriever = new Retriever(content);
  return figures(
    questionsFile,
    cases.map((c) => ({ c, outcome: retriever.search(c.text, c.lang) })),
  );
}

function figures(questionsFile: string, outcomes: { c: Case; outcome: SearchOutcome }[]) {
  const answerable = outcomes.filter(({ c }) => c.expect.kind === 'answer');
  const answered = (o: (typeof outcomes)[number]) => o.outcome.decision === 'answer';
  const right = answerable.filter((o) => answered(o) && o.outcome.best?.faqId === o.c.expect.faqId);
  const wrong = outcomes.filter((o) => answered(o) && o.outcome.best?.faqId !== o.c.expect.faqId);
  const clarify = answerable.filter((o) => o.outcome.decision === 'clarify');
  const offered = clarify.filter((o) => o.outcome.candidates.some((x) => x.faqId === o.c.expect.faqId));
  const offTopicAnswered = outcomes.filter((o) => o.c.expect.kind === 'not-answer' && answered(o));
  const stats = {
    answerable: answerable.length,
    messages: outcomes.length,
    right: right.length,
    wrong: wrong.length,
    clarify: clarify.length,
    clarifyOfferingRight: offered.length,
    none: answerable.filter((o) => o.outcome.decision === 'none').length,
    offTopicAnswered: offTopicAnswered.map((o) => o.c.text),
  };
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
  console.log(
    `${path.basename(questionsFile)}: right ${stats.right}/${stats.answerable} (${pct(stats.right, stats.answerable)}), ` +
      `wrong ${stats.wrong}/${stats.messages} messages (${pct(stats.wrong, stats.messages)}), ` +
      `clarify ${stats.clarify} (right entry offered in ${stats.clarifyOfferingRight}), none ${stats.none}, ` +
      `off-topic answered ${stats.offTopicAnswered.length}\n` +
      wrong.map((o) => `  wrong: ${o.c.lang} "${o.c.text}" → ${o.outcome.best?.faqId}`).join('\n'),
  );
  return stats;
}

describe.each([
  ['development set (demo crisis)', '../../content/demo-chemical-fire.json', 'demo-questions.json'],
  ['held-out crisis (river flood)', 'holdout-flood.json', 'holdout-flood-questions.json'],
])('retrieval accuracy on the %s', (_name, content, questions) => {
  const stats = evaluate(fixture(content), fixture(questions));

  it('never answers an off-topic question', () => {
    expect(stats.offTopicAnswered).toEqual([]);
  });

  it('answers at most 5% of all messages from a wrong entry', () => {
    expect(stats.wrong / stats.messages).toBeLessThanOrEqual(0.05);
  });

  it('answers from the right entry, or offers it to choose, for most answerable questions', () => {
    expect((stats.right + stats.clarifyOfferingRight) / stats.answerable).toBeGreaterThanOrEqual(
      FLOOR_RIGHT_OR_OFFERED,
    );
    expect(stats.right / stats.answerable).toBeGreaterThanOrEqual(FLOOR_ANSWERED_RIGHT);
  });
});

const DEVELOPMENT_SETS = [
  ['demo crisis', '../../content/demo-chemical-fire.json', 'demo-questions.json'],
  ['river flood', 'holdout-flood.json', 'holdout-flood-questions.json'],
  ['storm', 'storm-dev.json', 'storm-dev-questions.json'],
] as const;

describe('hybrid retrieval accuracy on the development sets of the fit', () => {
  useTestDatabase();
  const stats = new Map<string, ReturnType<typeof figures>>();

  beforeAll(async () => {
    const embedder = testEmbedder();
    for (const [name, content, questions] of DEVELOPMENT_SETS) {
      const set = load(fixture(content), fixture(questions));
      const retriever = new Retriever(set.content);
      retriever.useMeaning(await semanticIndexOf(set.content, embedder, pino({ level: 'silent' })));
      const vectors = await Promise.all(set.cases.map((c) => embedder.embedQuery(c.text)));
      stats.set(
        name,
        figures(
          fixture(questions),
          set.cases.map((c, i) => {
            const outcome = retriever.search(c.text, c.lang, vectors[i] as Vector);
            if (!outcome.semantic) throw new Error(`no vector for "${c.text}"`);
            return { c, outcome };
          }),
        ),
      );
    }
  }, 180_000);

  it('answers at most 3% of all their messages from a wrong entry (off-topic ones included)', () => {
    const all = [...stats.values()];
    const wrong = all.reduce((sum, s) => sum + s.wrong, 0);
    const messages = all.reduce((sum, s) => sum + s.messages, 0);
    expect(messages).toBeGreaterThan(150);
    expect(wrong / messages).toBeLessThanOrEqual(HYBRID_MAX_WRONG);
  });

  it.each(DEVELOPMENT_SETS.map(([name]) => name))(
    'answers most answerable questions of the %s right, and offers the right entry for nearly all others',
    (name) => {
      const set = stats.get(name)!;
      expect(set.right / set.answerable).toBeGreaterThanOrEqual(HYBRID_FLOOR_ANSWERED_RIGHT);
      expect((set.right + set.clarifyOfferingRight) / set.answerable).toBeGreaterThanOrEqual(
        HYBRID_FLOOR_RIGHT_OR_OFFERED,
      );
    },
  );
});
