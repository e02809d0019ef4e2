import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { publishContent, validateContent, type ContentFile } from '../../knowledge';
import { spawnBot, testEnv, type BotProcess } from '../helpers/bot';
import { crisisReplyOf, TestChannel } from '../helpers/testChannel';

const demoFile = path.resolve(__dirname, '../../content/demo-chemical-fire.json');

function demoContent(): ContentFile {
  const result = validateContent(JSON.parse(fs.readFileSync(demoFile, 'utf8')));
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.content;
}

/** Bot processes as `npm start` runs them, sharing one database. */
describe('bot processes on one database', () => {
  const env = testEnv({ LOG_LEVEL: 'warn' });
  const processes: BotProcess[] = [];
  const channels: TestChannel[] = [];

  async function channelFor(bot: BotProcess): Promise<TestChannel> {
    const channel = new TestChannel(bot.url);
    await channel.start();
    channels.push(channel);
    return channel;
  }

  beforeAll(async () => {
    await mongoose.connect(env.MONGODB_URI!);
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await Promise.all(channels.map((c) => c.stop()));
    await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
  });

  it('continues a conversation after the bot is killed and started again', async () => {
    const first = await spawnBot(env);
    processes.push(first);
    const channel = await channelFor(first);
    const conversation = channel.conversation({ id: `restart-${Date.now()}` });
    const answered = await conversation.say('Is het kraanwater drinkbaar?');
    expect(crisisReplyOf(answered[0]!)).toMatchObject({
      kind: 'answer',
      faqId: 'drinking-water',
      lang: 'nl',
    });
    await first.kill('SIGKILL');

    const second = await spawnBot(env);
    processes.push(second);
    channel.botUrl = second.url;
    // The open "was this helpful?" question survived the restart: "ja" is read as feedback, in Dutch.
    const feedback = await conversation.say('ja');
    expect(crisisReplyOf(feedback[0]!)).toMatchObject({ kind: 'info', lang: 'nl' });
  }, 90_000);

  it('stops gracefully on SIGTERM, with every interaction of its turns written', async () => {
    const bot = await spawnBot(env);
    processes.push(bot);
    const channel = await channelFor(bot);
    const conversation = channel.conversation();
    for (const question of [
      'Moet ik binnen blijven?',
      'Welke wegen zijn afgesloten?',
      'Waar is het opvangcentrum?',
    ]) {
      await conversation.say(question);
    }
    expect(await bot.kill('SIGTERM')).toBe(0);
    const logged = await mongoose.connection
      .db!.collection('interactions')
      .countDocuments({ conversationId: conversation.id });
    expect(logged).toBe(channel.activities(conversation.id).length + 3);
  }, 60_000);

  it('serves a newly published version within 5 seconds in every process, without restart', async () => {
    const [a, b] = await Promise.all([spawnBot(env), spawnBot(env)]);
    processes.push(a, b);
    const content = demoContent();
    const newAnswer = `Nieuw: het leidingwater is tijdelijk NIET drinkbaar (${Date.now()}).`;
    content.faqs.find((f) => f.id === 'drinking-water')!.answer.nl = newAnswer;
    const published = Date.now();
    await publishContent(content, { note: 'water advice changed' });

    const askUntilNew = async (bot: BotProcess) => {
      const channel = await channelFor(bot);
      for (;;) {
        const replies = await channel.conversation().say('Is het kraanwater drinkbaar?');
        if (replies[0]?.text?.includes(newAnswer)) return Date.now() - published;
        if (Date.now() - published > 20_000) throw new Error('new version not live within 20 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const delays = await Promise.all([askUntilNew(a), askUntilNew(b)]);
    console.log(`publish → live: ${delays.join(' ms, ')} ms`);
    for (const delay of delays) expect(delay).toBeLessThan(20_000);
  }, 90_000);

  it('requires a valid token when MicrosoftAppId is set', async () => {
    const secured = await spawnBot({
      ...env,
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'x',
    });
    processes.push(secured);
    const channel = await channelFor(secured);
    const conversation = channel.conversation();
    const before = await mongoose.connection.db!.collection('interactions').countDocuments();
    const missing = await conversation.post(
      conversation.activity({ type: 'message', text: 'Moet ik binnen blijven?' }),
    );
    expect(missing.status).toBe(401);
    const forged = await fetch(`${secured.url}/api/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.forged',
      },
      body: JSON.stringify(conversation.activity({ type: 'message', text: 'Moet ik binnen blijven?' })),
    });
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(channel.activities(conversation.id)).toHaveLength(0);
    expect(await mongoose.connection.db!.collection('interactions').countDocuments()).toBe(before);
  }, 60_000);
});
