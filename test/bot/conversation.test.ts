import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { crisisReplyOf, type ReceivedActivity } from '../helpers/testChannel';
import { useTestBot } from '../helpers/bot';
import { KEEP_ALIVE_MS } from '../../bot/server';

const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/demo-chemical-fire.json'), 'utf8'),
) as {
  crisis: { title: Record<string, string> };
  faqs: { id: string; answer: Record<string, string> }[];
};
const nlBot = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../locales/nl/bot.json'), 'utf8')) as {
  error: string;
};
const answerOf = (id: string, lang: string) => demo.faqs.find((f) => f.id === id)!.answer[lang]!;

function firstMeta(replies: ReceivedActivity[]) {
  expect(replies.length).toBeGreaterThan(0);
  return crisisReplyOf(replies[0]!);
}

describe('citizen conversation over the Bot Framework protocol', () => {
  const bot = useTestBot();

  it('greets a new conversation with the crisis title, in the locale of the client', async () => {
    const replies = await bot.channel.conversation({ locale: 'nl-BE' }).join();
    expect(firstMeta(replies)).toEqual({ type: 'crisis.reply', kind: 'greeting', lang: 'nl' });
    expect(replies[0]!.text).toContain(demo.crisis.title.nl);
  });

  it.each([
    ['fr', 'Dois-je rester à la maison avec les fenêtres fermées ?', 'stay-indoors'],
    ['nl', 'Is het water uit de kraan drinkbaar?', 'drinking-water'],
    ['de', 'Sind die Schulen morgen geschlossen?', 'schools'],
    ['en', 'Where is the reception centre?', 'reception-centre'],
  ])('answers a %s question verbatim from the right entry', async (lang, question, faqId) => {
    const replies = await bot.channel.conversation().say(question);
    expect(firstMeta(replies)).toMatchObject({ kind: 'answer', faqId, lang });
    expect(replies[0]!.text).toContain(answerOf(faqId, lang));
    const helpful = replies.at(-1)!;
    expect(helpful.suggestedActions?.actions).toHaveLength(2);
  });

  it('answers in the language of the message, not the locale of the client', async () => {
    const replies = await bot.channel.conversation({ locale: 'fr-BE' }).say('Welke wegen zijn afgesloten?');
    expect(firstMeta(replies)).toMatchObject({ kind: 'answer', faqId: 'roads-transport', lang: 'nl' });
  });

  it('switches language on request and keeps it for short follow-ups', async () => {
    const conversation = bot.channel.conversation({ locale: 'fr-BE' });
    const switched = await conversation.say('English please');
    expect(firstMeta(switched)).toMatchObject({ kind: 'language', lang: 'en' });
    const followUp = await conversation.say('schools?');
    expect(firstMeta(followUp)).toMatchObject({ lang: 'en' });
  });

  it('takes a victim inquiry that names a language for what it is, not for a language switch', async () => {
    const replies = await bot.channel.conversation().say('my German husband is missing');
    expect(firstMeta(replies)).toMatchObject({ kind: 'd2', lang: 'en' });
  });

  it('asks to rephrase rather than answering an off-topic question', async () => {
    const replies = await bot.channel.conversation().say('Who won the football match yesterday?');
    const meta = firstMeta(replies);
    expect(meta?.kind).toBe('clarify');
    expect(meta?.faqId).toBeUndefined();
  });

  it('takes "was this helpful?" feedback and then carries on', async () => {
    const conversation = bot.channel.conversation();
    const answered = await conversation.say('Moet ik binnen blijven?');
    expect(firstMeta(answered)).toMatchObject({ kind: 'answer', faqId: 'stay-indoors' });
    const feedback = await conversation.say('Ja');
    expect(firstMeta(feedback)).toMatchObject({ kind: 'info', lang: 'nl' });
    const next = await conversation.say('Welke wegen zijn afgesloten?');
    expect(firstMeta(next)).toMatchObject({ kind: 'answer', faqId: 'roads-transport' });
  });

  it("apologises in the citizen's language when a turn fails, and stays usable", async () => {
    const conversation = bot.channel.conversation();
    bot.channel.refuseNextReply(conversation.id);
    const failed = await conversation.say('Welke wegen zijn afgesloten?');
    expect(failed).toHaveLength(1);
    expect(firstMeta(failed)).toMatchObject({ kind: 'info', lang: 'nl' });
    expect(failed[0]!.text).toBe(nlBot.error);
    const next = await conversation.say('Welke wegen zijn afgesloten?');
    expect(firstMeta(next)).toMatchObject({ kind: 'answer', faqId: 'roads-transport', lang: 'nl' });
  });

  it('answers an over-long message politely without processing it', async () => {
    const replies = await bot.channel.conversation().say(`Moet ik binnen blijven? ${'x'.repeat(2001)}`);
    expect(firstMeta(replies)).toMatchObject({ kind: 'info' });
    expect(replies).toHaveLength(1);
  });
});

describe('bad input at /api/messages', () => {
  const bot = useTestBot();

  const stateCount = () => mongoose.connection.db!.collection('botstate').countDocuments();

  it.each([
    ['no type', { type: undefined }],
    ['no conversation', { conversation: undefined }],
    ['a serviceUrl that is not a URL', { serviceUrl: 'not a url' }],
    ['a non-string text', { text: 42 }],
  ])('refuses an activity with %s (400) and stores nothing', async (_name, patch) => {
    const conversation = bot.channel.conversation();
    const before = await stateCount();
    const { status, body } = await conversation.post({
      ...conversation.activity({ type: 'message', text: 'hi' }),
      ...patch,
    });
    expect(status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ error: 'invalid activity' });
    expect(await stateCount()).toBe(before);
    expect(bot.channel.activities(conversation.id)).toHaveLength(0);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(`${bot.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message",',
    });
    expect(res.status).toBe(400);
  });

  it('refuses an oversized body with 413', async () => {
    const conversation = bot.channel.conversation();
    const { status } = await conversation.post(
      conversation.activity({ type: 'message', text: 'x'.repeat(300_000) }),
    );
    expect(status).toBe(413);
    expect(bot.channel.activities(conversation.id)).toHaveLength(0);
  });

  it('refuses to answer to a serviceUrl outside the allow-list (no open relay)', async () => {
    const conversation = bot.channel.conversation();
    const { status } = await conversation.post(
      conversation.activity({ type: 'message', text: 'hello', serviceUrl: 'https://attacker.example' }),
    );
    expect(status).toBe(403);
  });

  it('reports health', async () => {
    const res = await fetch(`${bot.app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: true, crises: 1 });
  });

  it('keeps an idle connection open longer than the proxies in front of it do', async () => {
    const res = await fetch(`${bot.app.url}/healthz`);
    await res.body?.cancel();
    expect(res.headers.get('keep-alive')).toBe(`timeout=${KEEP_ALIVE_MS / 1000}`);
  });
});
