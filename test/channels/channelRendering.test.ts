import fs from 'node:fs';
import path from 'node:path';
import { createTranslator } from '../../bot/i18n';
import type { Translate } from '../../dialogs';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf } from '../helpers/testChannel';

const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/demo-chemical-fire.json'), 'utf8'),
) as {
  crisis: { infoNumber: string };
  faqs: { id: string; question: Record<string, string>; links?: { url: string }[] }[];
};
const questionOf = (id: string) => demo.faqs.find((f) => f.id === id)!.question.nl!;

describe('replies on an SMS-class channel, through the real bot', () => {
  const bot = useTestBot();
  let t: Translate;
  beforeAll(async () => {
    t = await createTranslator(path.resolve(__dirname, '../../locales'));
  });
  const smsConversation = () => {
    const conversation = bot.channel.conversation();
    return { id: conversation.id, say: (text: string) => conversation.say(text, { channelId: 'sms' }) };
  };

  it('offers "was this helpful?" as numbered choices and takes "2" for the second', async () => {
    const conversation = smsConversation();
    const answered = await conversation.say('Moet ik binnen blijven?');
    expect(answered).toHaveLength(1);
    expect(crisisReplyOf(answered[0]!)).toMatchObject({ kind: 'answer', faqId: 'stay-indoors', lang: 'nl' });
    expect(answered[0]!.suggestedActions).toBeUndefined();
    expect(answered[0]!.textFormat).toBe('plain');
    expect(
      answered[0]!.text!.endsWith(
        `${t('nl', 'helpfulQuestion')}\n\n1. ${t('nl', 'helpfulYes')}\n2. ${t('nl', 'helpfulNo')}`,
      ),
    ).toBe(true);

    const feedback = await conversation.say('2');
    expect(crisisReplyOf(feedback[0]!)).toMatchObject({ kind: 'info', lang: 'nl' });
    expect(feedback[0]!.text).toBe(t('nl', 'feedbackSorry', { infoNumber: demo.crisis.infoNumber }));
  });

  it('offers likely entries as numbered choices and answers the one chosen by number', async () => {
    const conversation = smsConversation();
    const clarified = await conversation.say('vraagje over de tuin en de kippen en het water');
    const meta = crisisReplyOf(clarified[0]!);
    expect(meta).toMatchObject({ kind: 'clarify', lang: 'nl' });
    expect(meta!.options!.length).toBeGreaterThanOrEqual(2);
    const listed = meta!.options!.map((id, i) => `${i + 1}. ${questionOf(id)}`).join('\n');
    expect(clarified[0]!.text).toBe(`${t('nl', 'clarify')}\n\n${listed}`);

    const chosen = await conversation.say('2.');
    expect(crisisReplyOf(chosen[0]!)).toMatchObject({ kind: 'answer', faqId: meta!.options![1], lang: 'nl' });
  });

  it('spells out links in plain text', async () => {
    const answered = await smsConversation().say('Valt mijn straat binnen de zone?');
    expect(crisisReplyOf(answered[0]!)).toMatchObject({ kind: 'answer', faqId: 'confinement-zone' });
    const url = demo.faqs.find((f) => f.id === 'confinement-zone')!.links![0]!.url;
    expect(answered[0]!.text).toContain(` (${url})`);
    expect(answered[0]!.text).not.toContain('](');
  });

  it('takes a number as an ordinary message once a reply without choices followed the list', async () => {
    const conversation = smsConversation();
    await conversation.say('Moet ik binnen blijven?');
    // Refused unread: the "was this helpful?" question stays open, but the list is no longer the last word.
    const refused = await conversation.say(`Moet ik binnen blijven? ${'x'.repeat(2001)}`);
    expect(refused[0]!.text).not.toMatch(/\n1\. /);
    const number = await conversation.say('2');
    expect(crisisReplyOf(number[0]!)?.kind).not.toBe('info');
  });

  it('keeps buttons on a channel that shows them', async () => {
    const answered = await bot.channel.conversation().say('Moet ik binnen blijven?');
    expect(answered[0]!.suggestedActions?.actions.map((a) => a.title)).toEqual([
      t('nl', 'helpfulYes'),
      t('nl', 'helpfulNo'),
    ]);
    expect(answered[0]!.text).not.toMatch(/\n1\. /);
  });
});
