import fs from 'node:fs';
import path from 'node:path';
import { Retriever, validateContent, type Lang } from '../../knowledge';

/**
 * Retrieval quality on the development set and on a held-out crisis the code was never tuned to
 * (D2 and handoff cases belong to other layers). The safety bounds are the product's: at most 5%
 * of all messages answered from a wrong entry, no off-topic question answered. The product target
 * of 85% answered from the right entry is NOT reached yet (see README, "Known limits"): the
 * figures are printed, and the floors below guard what is reached today against regressions.
 */
const FLOOR_RIGHT_OR_OFFERED = 0.8;
const FLOOR_ANSWERED_RIGHT = 0.5;

interface Case {
  text: string;
  lang: Lang;
  expect: { kind: string; faqId?: string };
}

const fixture = (name: string) => path.resolve(__dirname, '../fixtures', name);

function evaluate(contentFile: string, questionsFile: string) {
  const validated = validateContent(JSON.parse(fs.readFileSync(contentFile, 'utf8')));
  if (!validated.ok) throw new Error(validated.problems.join('\n'));
  const retriever = new Retriever(validated.content);
  const cases = (JSON.parse(fs.readFileSync(questionsFile, 'utf8')) as { cases: Case[] }).cases.filter(
    (c) => c.expect.kind === 'answer' || c.expect.kind === 'not-answer',
  );
  const outcomes = cases.map((c) => ({ c, outcome: retriever.search(c.text, c.lang) }));
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
