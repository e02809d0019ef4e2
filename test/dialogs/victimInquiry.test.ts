import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf, type ReceivedActivity, type TestConversation } from '../helpers/testChannel';

type Lang = 'fr' | 'nl' | 'de' | 'en';
const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];
type D2Strings = typeof import('../../locales/en/d2.json');
type BotStrings = typeof import('../../locales/en/bot.json');
const locale = <T>(lang: Lang, ns: string) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../locales/${lang}/${ns}.json`), 'utf8')) as T;
const first = (list: string) => list.split('|')[0]!;

/** Per language: a victim inquiry, an urgent one, and the citizen's answers. */
const CASES: Record<
  Lang,
  { inquiry: string; urgent: string; relation: string; description: string; lastSeen: string }
> = {
  fr: {
    inquiry: "je n'arrive pas à joindre mon fils, il était à la gare ce matin",
    urgent: 'ma femme est coincée dans le bâtiment et ne peut pas sortir',
    relation: 'sa mère',
    description: 'grand, veste rouge',
    lastSeen: 'à la gare vers 8 heures',
  },
  nl: {
    inquiry: 'ik kan mijn zoon niet bereiken, hij was vanochtend aan het station',
    urgent: 'mijn vrouw zit vast in het gebouw en kan er niet uit',
    relation: 'zijn moeder',
    description: 'groot, rode jas',
    lastSeen: 'aan het station rond 8 uur',
  },
  de: {
    inquiry: 'ich erreiche meinen Sohn nicht, er war heute morgen am Bahnhof',
    urgent: 'meine Frau ist im Gebäude eingeschlossen und kommt nicht raus',
    relation: 'seine Mutter',
    description: 'groß, rote Jacke',
    lastSeen: 'am Bahnhof gegen 8 Uhr',
  },
  en: {
    inquiry: "I can't reach my son, he was at the station this morning",
    urgent: 'my wife is trapped in the building and cannot get out',
    relation: 'his mother',
    description: 'tall, red jacket',
    lastSeen: 'at the station around 8 am',
  },
};

const metaKinds = (replies: ReceivedActivity[]) => replies.map((r) => crisisReplyOf(r)?.kind);

describe.each(LANGS)('victim inquiry (D2) in %s, through the Bot Framework protocol', (lang) => {
  const d2 = locale<D2Strings>(lang, 'd2');
  const bot_ = locale<BotStrings>(lang, 'bot');
  const c = CASES[lang];
  const bot = useTestBot();
  const tickets = () => mongoose.connection.db!.collection('tickets');

  async function startIntake(conversation: TestConversation, text = c.inquiry): Promise<ReceivedActivity[]> {
    const replies = await conversation.say(text);
    expect(metaKinds(replies).every((k) => k === 'd2')).toBe(true);
    expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'd2', lang });
    expect(replies.at(-1)!.text).toBe(d2.consentQuestion.replace('{{days}}', '30'));
    return replies;
  }

  it('takes a consented intake, lets the citizen correct it, and queues an encrypted ticket', async () => {
    const conversation = bot.channel.conversation();
    await startIntake(conversation);
    expect((await conversation.say(d2.consentYes))[0]!.text).toBe(d2.askCallerName);
    expect((await conversation.say('Marie Dupont'))[0]!.text).toBe(d2.askCallerPhone);
    expect((await conversation.say('0470 12 34 56'))[0]!.text).toBe(d2.invalidPhone);
    expect((await conversation.say('+32 470 12 34 56'))[0]!.text).toBe(d2.askRelation);
    expect((await conversation.say(c.relation))[0]!.text).toBe(d2.askPersonName);
    expect((await conversation.say('Jan Dupont'))[0]!.text).toBe(d2.askPersonAge);
    expect((await conversation.say('17'))[0]!.text).toBe(d2.askDescription);
    expect((await conversation.say(c.description))[0]!.text).toBe(d2.askLastSeen);
    const summary = await conversation.say(c.lastSeen);
    expect(summary[0]!.text).toContain('Jan Dupont');
    expect(summary[0]!.text).toContain('+32470123456');

    expect((await conversation.say(d2.correct))[0]!.text).toBe(d2.whichField);
    expect((await conversation.say(d2.field.personAge))[0]!.text).toBe(d2.askPersonAge);
    const corrected = await conversation.say('18');
    expect(corrected[0]!.text).toContain(`${d2.field.personAge}: 18`);

    const done = await conversation.say(d2.confirmSend);
    expect(crisisReplyOf(done[0]!)).toEqual({ type: 'crisis.reply', kind: 'd2', lang, queue: 'd2' });
    expect(done[0]!.text).toContain('+32470123456');

    const ticket = await tickets().findOne({ conversationId: conversation.id });
    expect(ticket).toMatchObject({ queue: 'd2', state: 'waiting', consent: true, priority: 1, lang });
    expect(ticket!.intake).toEqual(
      expect.objectContaining({ iv: expect.any(String), data: expect.any(String) }),
    );

    // Nothing the citizen typed is readable anywhere in the database.
    const everything: unknown[] = [];
    for (const { name } of await mongoose.connection.db!.listCollections().toArray()) {
      everything.push(...(await mongoose.connection.db!.collection(name).find().toArray()));
    }
    const raw = JSON.stringify(everything);
    for (const value of [
      'Marie Dupont',
      'Jan Dupont',
      '+32470123456',
      '470 12 34 56',
      c.description,
      c.lastSeen,
      c.relation,
    ]) {
      expect({ value, found: raw.includes(value) }).toEqual({ value, found: false });
    }

    const after = await conversation.say('Moet ik binnen blijven?');
    expect(crisisReplyOf(after[0]!)?.kind).not.toBe('d2');
  });

  it('stores nothing personal without consent, yet lets the citizen reach a specialist', async () => {
    const conversation = bot.channel.conversation();
    await startIntake(conversation);
    const refused = await conversation.say(d2.no);
    expect(refused[0]!.text).toContain(bot.env.D2_PHONE_NUMBER ?? '+32 800 12 345');
    const queued = await conversation.say(d2.yes);
    expect(crisisReplyOf(queued[0]!)).toMatchObject({ kind: 'd2', queue: 'd2', lang });
    const ticket = await tickets().findOne({ conversationId: conversation.id });
    expect(ticket).toMatchObject({ queue: 'd2', consent: false });
    expect(ticket!.intake).toBeUndefined();
  });

  it('goes back a step and cancels at any step, leaving no ticket', async () => {
    const conversation = bot.channel.conversation();
    await startIntake(conversation);
    await conversation.say(d2.consentYes);
    await conversation.say('Marie Dupont');
    const back = await conversation.say(first(bot_.backWords));
    expect(back[0]!.text).toBe(d2.askCallerName);
    const cancelled = await conversation.say(first(bot_.cancelWords));
    expect(crisisReplyOf(cancelled[0]!)).toMatchObject({ kind: 'd2', lang });
    expect(cancelled[0]!.text).toBe(d2.cancelled.replace('{{d2Phone}}', '+32 800 12 345'));
    expect(await tickets().countDocuments({ conversationId: conversation.id })).toBe(0);
  });

  it('tells a citizen in immediate danger to call 112 first, and marks the ticket urgent', async () => {
    const conversation = bot.channel.conversation();
    const replies = await conversation.say(c.urgent);
    expect(replies.map((r) => r.text)).toContain(d2.urgent);
    await conversation.say(d2.no);
    await conversation.say(d2.yes);
    expect(await tickets().findOne({ conversationId: conversation.id })).toMatchObject({
      priority: 0,
      consent: false,
    });
  });
});
