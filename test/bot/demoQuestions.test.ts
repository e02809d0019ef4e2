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

  // The product target is 85% answered right; today's retrieval reaches about 40% answered and
  // about 80% answered-or-offered (README, "Known limits"). These floors guard against regressions.
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
    expect(right.length / answerable.length).toBeGreaterThanOrEqual(0.35);
    expect((right.length + offered.length) / answerable.length).toBeGreaterThanOrEqual(0.75);
    expect(wrong.length / outcomes.length).toBeLessThanOrEqual(0.05);
  });

  it('routes every victim inquiry to the D2 flow, never to an FAQ answer', () => {
    const d2 = outcomes.filter((o) => o.c.expect.kind === 'd2');
    expect(d2.length).toBeGreaterThan(0);
    for (const o of d2) expect({ text: o.c.text, kind: o.kind }).toEqual({ text: o.c.text, kind: 'd2' });
  });

  it('does not answer questions the crisis content does not cover', () => {
    for (const o of outcomes.filter((x) => x.c.expect.kind === 'not-answer')) {
      expect({ text: o.c.text, kind: o.kind }).toEqual({ text: o.c.text, kind: 'clarify' });
    }
  });
});
