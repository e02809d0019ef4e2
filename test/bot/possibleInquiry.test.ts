import fs from 'node:fs';
import path from 'node:path';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf, type ReceivedActivity } from '../helpers/testChannel';
import { prewarmTriageClassifier } from '../triage/testModel';

const d2 = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../locales/en/d2.json'), 'utf8')) as Record<
  string,
  string
>;
const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/demo-chemical-fire.json'), 'utf8'),
) as { faqs: { id: string; question: Record<string, string>; answer: Record<string, string> }[] };
const symptoms = demo.faqs.find((f) => f.id === 'symptoms')!;

/**
 * A question about a neighbour that triage cannot tell from a possible victim inquiry (the
 * model's probability is about 0.5, between the yes/no question's threshold and the intake's),
 * and that the demo's symptoms entry answers.
 */
const POSSIBLE = 'my neighbour was outside when the smoke came, now her eyes sting, what should she do';

/**
 * The writer's own symptoms, nobody else named: the model is sure it may be an inquiry (about
 * 0.86), but only the writer can be the one affected, and the demo's symptoms entry answers it.
 */
const OWN_SYMPTOMS = 'since the smoke came I keep coughing and my eyes burn, is that serious';

const meta = (replies: ReceivedActivity[]) => crisisReplyOf(replies[0]!);
const titles = (replies: ReceivedActivity[]) =>
  (replies.at(-1)!.suggestedActions?.actions ?? []).map((a) => a.title);

beforeAll(() => prewarmTriageClassifier(), 300_000);

describe('a message triage is unsure about, through the Bot Framework protocol', () => {
  const bot = useTestBot();

  it('asks whether it is about someone who may be affected, offering the entries it may be asking instead', async () => {
    const replies = await bot.channel.conversation().say(POSSIBLE);
    expect(meta(replies)).toMatchObject({ kind: 'd2', lang: 'en', options: expect.any(Array) });
    expect(meta(replies)?.options?.[0]).toBe('symptoms');
    expect(replies[0]!.text).toBe(d2.askIsD2OrEntry);
    const offered = titles(replies);
    // Yes and no come first: the route to the specialists is never behind the entries.
    expect(offered.slice(0, 2)).toEqual([d2.yes, d2.no]);
    expect(offered).toContain(symptoms.question.en);
    expect(offered.length).toBe(2 + meta(replies)!.options!.length);
  });

  it('asks a writer who names nobody else whether they were affected themself, beside the entries', async () => {
    const replies = await bot.channel.conversation().say(OWN_SYMPTOMS);
    expect(meta(replies)).toMatchObject({
      kind: 'd2',
      lang: 'en',
      options: expect.arrayContaining(['symptoms']),
    });
    expect(replies[0]!.text).toBe(d2.askIsD2OrSelfOrEntry);
    expect(titles(replies).slice(0, 2)).toEqual([d2.yes, d2.no]);
  });

  it('offers no entries when the message may be about someone in danger now', async () => {
    // Trapped: urgent for the lexicon, a question about roads for the FAQ.
    const replies = await bot.channel
      .conversation()
      .say('someone is trapped in a car near the plant, which roads are closed?');
    expect(meta(replies)).toMatchObject({ kind: 'd2', lang: 'en' });
    expect(meta(replies)?.options).toBeUndefined();
    expect(replies[0]!.text).toBe(d2.askIsD2);
    expect(titles(replies)).toEqual([d2.yes, d2.no]);
  });

  it('answers from the entry the citizen picks', async () => {
    const conversation = bot.channel.conversation();
    await conversation.say(POSSIBLE);
    const answered = await conversation.say(symptoms.question.en!);
    expect(meta(answered)).toMatchObject({ kind: 'answer', faqId: 'symptoms', lang: 'en' });
    expect(answered[0]!.text).toContain(symptoms.answer.en);
  });

  it('answers the first message when the citizen says no', async () => {
    const conversation = bot.channel.conversation();
    await conversation.say(POSSIBLE);
    expect(meta(await conversation.say(d2.no!))).toMatchObject({ kind: 'answer', faqId: 'symptoms' });
  });

  it('hands the citizen to an operator after "no" when the message also asked for a person', async () => {
    const conversation = bot.channel.conversation();
    // A son at the school beside the plant: perhaps an inquiry; and a request for a person.
    const asked = await conversation.say(
      'je voudrais parler a quelqu un au sujet de mon fils qui est a l ecole pres de l usine',
    );
    expect(meta(asked)).toMatchObject({ kind: 'd2', lang: 'fr' });
    const fr = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../locales/fr/d2.json'), 'utf8'),
    ) as Record<string, string>;
    expect(meta(await conversation.say(fr.no!))).toMatchObject({ kind: 'handoff', lang: 'fr' });
  });

  it('starts the intake when the citizen says yes', async () => {
    const conversation = bot.channel.conversation();
    await conversation.say(POSSIBLE);
    const consent = await conversation.say(d2.yes!);
    expect(meta(consent)).toMatchObject({ kind: 'd2', lang: 'en' });
    expect(consent.at(-1)!.text).toBe(d2.consentQuestion!.replace('{{days}}', '30'));
  });

  it('triages what the citizen writes instead of answering: a victim inquiry goes to the intake, unanswered', async () => {
    const conversation = bot.channel.conversation();
    await conversation.say(POSSIBLE);
    const inquiry = await conversation.say("and I can't reach my son, he was at the station this morning");
    expect(inquiry.map((r) => crisisReplyOf(r)?.kind)).not.toContain('answer');
    expect(inquiry.at(-1)!.text).toBe(d2.consentQuestion!.replace('{{days}}', '30'));
  });
});
