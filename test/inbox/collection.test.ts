import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { IntakeCipher, type SealedIntake } from '../../handoff';
import { useTestBot } from '../helpers/bot';
import { prewarmTriageClassifier } from '../triage/testModel';
import { crisisReplyOf, type ReceivedActivity, type TestConversation } from '../helpers/testChannel';

type Lang = 'fr' | 'nl' | 'de' | 'en';
const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];
const strings = (lang: Lang, file: 'd2' | 'bot') =>
  JSON.parse(
    fs.readFileSync(path.resolve(__dirname, `../../locales/${lang}/${file}.json`), 'utf8'),
  ) as Record<string, string>;
const holdout = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../fixtures/d2-holdout.json'), 'utf8'),
) as Record<Lang, { d2: string[] }>;
const kindOf = (replies: ReceivedActivity[]) => (replies[0] ? crisisReplyOf(replies[0])?.kind : undefined);

/** Questions the demo crisis (a chemical fire) has no entry for, each with a phone number and an e-mail address. */
const UNANSWERABLE: Record<Lang, { text: string; personal: string[] }> = {
  fr: {
    text: 'est-ce que le concert de samedi a toujours lieu ? mon numéro 0470 12 34 56 ou sophie.lambert@mail.be',
    personal: ['0470 12 34 56', 'sophie.lambert@mail.be'],
  },
  nl: {
    text: 'gaat de voetbalwedstrijd van zondag door? bel +32 2 555 12 12 of mail pieter@voorbeeld.be',
    personal: ['+32 2 555 12 12', 'pieter@voorbeeld.be'],
  },
  de: {
    text: 'findet das Konzert am Samstag statt? Rufen Sie 0049 30 1234567 an oder schreiben Sie an k.mueller@web.de',
    personal: ['0049 30 1234567', 'k.mueller@web.de'],
  },
  en: {
    text: 'is the lottery draw postponed? my number is 04/71.23.45.67 and my email jane.doe@example.com',
    personal: ['04/71.23.45.67', 'jane.doe@example.com'],
  },
};
/** Someone at the scene, nothing said about them: the bot asks whether it is about a person. */
const UNSURE: Record<Lang, string> = {
  fr: 'mon père habite rue de la gare',
  nl: 'mijn zoon werkt op de site',
  de: 'mein Sohn arbeitet im Werk',
  en: 'my brother works at the plant',
};
const INTAKE_NAME = 'Marie-Thérèse Vandenbroucke';
const INTAKE_PHONE = '+32 478 99 88 77';

interface RawMessage {
  _id: string;
  crisisSlug: string;
  lang: string;
  source: string;
  state: string;
  sealed: SealedIntake;
}

// The exemplars' vectors are in the project's cache before the bot starts, as after a first run.
beforeAll(() => prewarmTriageClassifier(), 300_000);

/**
 * What reaches the inbox's collection, read straight from the database: the bot's failures on
 * general questions, masked and sealed; never a victim inquiry, its intake answers, a message that
 * led to the yes/no question, nor an unmasked phone number or e-mail address, in any language.
 */
describe('what the unanswered inbox collects (raw database)', () => {
  const bot = useTestBot();
  const raw = () => mongoose.connection.db!.collection<RawMessage>('unansweredmessages');
  const sent: string[] = [];
  const say = async (conversation: TestConversation, text: string) => {
    sent.push(text);
    return conversation.say(text);
  };

  beforeAll(async () => {
    for (const lang of LANGS) {
      const d2 = strings(lang, 'd2');
      expect(kindOf(await say(bot.channel.conversation(), UNANSWERABLE[lang].text))).toMatch(
        /^(clarify|handoff)$/,
      );

      // A victim inquiry, taken to the end with the caller's name and phone number.
      const inquiry = bot.channel.conversation();
      expect(kindOf(await say(inquiry, holdout[lang].d2[2]!))).toBe('d2');
      for (const answer of [d2.consentYes!, INTAKE_NAME, INTAKE_PHONE]) {
        expect(kindOf(await say(inquiry, answer))).toBe('d2');
      }

      // The yes/no question, answered "no": the bot then answers it as a general question.
      const unsure = bot.channel.conversation();
      expect(kindOf(await say(unsure, UNSURE[lang]))).toBe('d2');
      await say(unsure, d2.no!);
    }
    // An answer the citizen says did not help: the question goes to the inbox.
    const rated = bot.channel.conversation();
    expect(kindOf(await rated.say('can I open my windows?'))).toBe('answer');
    await rated.say(strings('en', 'bot').helpfulNo!);
  }, 240_000);

  const opened = async () => {
    const cipher = IntakeCipher.fromText(bot.env.D2_ENCRYPTION_KEY!);
    const docs = await raw().find({}).toArray();
    return docs.map((doc) => ({
      doc,
      text: cipher.open<{ text: string }>(doc.sealed, `unanswered:${doc.crisisSlug}/${doc._id}`).text,
    }));
  };

  it('keeps the unanswered question of each language, masked, and the one rated unhelpful', async () => {
    const deadline = Date.now() + 20_000;
    while ((await raw().countDocuments()) < LANGS.length + 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const messages = await opened();
    expect(messages.map((m) => [m.doc.lang, m.doc.source]).sort()).toEqual(
      [...LANGS.map((l) => [l, expect.stringMatching(/^(clarify|none)$/)]), ['en', 'unhelpful']].sort(
        (a, b) => `${a[0]}${String(a[1])}`.localeCompare(`${b[0]}${String(b[1])}`),
      ),
    );
    for (const lang of LANGS) {
      const stored = messages.find((m) => m.doc.lang === lang && m.doc.source !== 'unhelpful')!.text;
      expect(stored).toContain('[phone]');
      expect(stored).toContain('[e-mail]');
    }
    expect(messages.find((m) => m.doc.source === 'unhelpful')!.text).toBe('can I open my windows?');
  });

  it('never holds a victim inquiry, an intake answer, a yes/no-question message, a phone number or an e-mail address', async () => {
    const stored = (await raw().find({}).toArray()).map((doc) => JSON.stringify(doc)).join('\n');
    const texts = (await opened()).map((m) => m.text).join('\n');
    const forbidden = [
      ...LANGS.flatMap((l) => [holdout[l].d2[2]!, UNSURE[l], ...UNANSWERABLE[l].personal]),
      INTAKE_NAME,
      INTAKE_PHONE,
    ];
    for (const text of forbidden) {
      expect({ text, inDatabase: stored.includes(text), inTexts: texts.includes(text) }).toEqual({
        text,
        inDatabase: false,
        inTexts: false,
      });
    }
    // Nothing readable at rest: not even the masked question.
    expect(stored).not.toContain('lottery');
    expect(texts).not.toMatch(/\d{3}/);
    expect(texts).not.toMatch(/@/);
    expect(sent.length).toBeGreaterThan(20);
  });
});
