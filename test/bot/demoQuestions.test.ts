import fs from 'node:fs';
import path from 'node:path';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf } from '../helpers/testChannel';

interface Case {
  text: string;
  lang: string;
  expect: { kind: 'answer' | 'd2' | 'handoff' | 'not-answer'; faqId?: string };
}
const cases = (
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/demo-questions.json'), 'utf8')) as {
    cases: Case[];
  }
).cases;

/** The development question set, each as the first message of a new conversation, through the protocol. */
describe('development questions through the bot', () => {
  const bot = useTestBot();
  const outcomes: { c: Case; kind?: string; faqId?: string; lang?: string; options?: string[] }[] = [];

  beforeAll(async () => {
    for (const c of cases) {
      const replies = await bot.channel.conversation().say(c.text);
      const meta = replies[0] ? crisisReplyOf(replies[0]) : undefined;
      outcomes.push({ c, kind: meta?.kind, faqId: meta?.faqId, lang: meta?.lang, options: meta?.options });
    }
  }, 120_000);

  // Hybrid retrieval (words and the embedded model) was fitted on this set among others
  // (knowledge/retrieval-fit/FIT.md): about 70% answered right and 86% answered or offered through
  // the bot, the rest of the answerable questions mostly being symptoms the citizen describes in
  // the first person, which the D2 second opinion first asks about (recall first; after a "no"
  // the question is answered). These floors guard against regressions; unseen crises are
  // measured by `npm run eval`.
  it('answers from the right entry in the right language, or offers it, and rarely answers wrongly', () => {
    const answerable = outcomes.filter((o) => o.c.expect.kind === 'answer');
    const right = answerable.filter(
      (o) => o.kind === 'answer' && o.faqId === o.c.expect.faqId && o.lang === o.c.lang,
    );
    const offered = answerable.filter((o) => o.kind === 'clarify' && o.options?.includes(o.c.expect.faqId!));
    const wrong = outcomes.filter((o) => o.kind === 'answer' && o.faqId !== o.c.expect.faqId);
    console.log(
      `demo questions: ${right.length}/${answerable.length} right, ${offered.length} more offered; ` +
        `${wrong.length}/${outcomes.length} answered from a wrong entry`,
    );
    expect(right.length / answerable.length).toBeGreaterThanOrEqual(0.65);
    expect((right.length + offered.length) / answerable.length).toBeGreaterThanOrEqual(0.8);
    expect(wrong.length / outcomes.length).toBeLessThanOrEqual(0.05);
  });

  it('routes every victim inquiry to the D2 flow, never to an FAQ answer', () => {
    const d2 = outcomes.filter((o) => o.c.expect.kind === 'd2');
    expect(d2.length).toBeGreaterThan(0);
    for (const o of d2) expect({ text: o.c.text, kind: o.kind }).toEqual({ text: o.c.text, kind: 'd2' });
  });

  // An off-topic question answered counts among the wrong answers above; here: most are not.
  it('does not answer most questions the crisis content does not cover', () => {
    const offTopic = outcomes.filter((x) => x.c.expect.kind === 'not-answer');
    const answered = offTopic.filter((o) => o.kind === 'answer');
    expect(offTopic.length).toBeGreaterThan(0);
    expect(answered.length / offTopic.length).toBeLessThanOrEqual(0.25);
  });
});
