import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { partitionCount, SCANNING_ENGINE_PARTITIONS } from '../../models';
import { startTestBot, testDatabaseUri, type TestBot } from '../helpers/bot';
import d2 from '../../locales/en/d2.json';

describe('an embedded database of one collection each, when a bot with partitions starts on it', () => {
  const bots: TestBot[] = [];
  afterAll(async () => {
    await mongoose.connection.db?.dropDatabase();
    for (const bot of bots) await bot.stop().catch(() => undefined);
  });

  it('is migrated at start-up, and a conversation under way goes on where it was', async () => {
    const uri = testDatabaseUri(`t_${randomUUID().slice(0, 8)}`);
    const before = await startTestBot({ MONGODB_URI: uri, STATE_PARTITIONS: '1' });
    bots.push(before);
    const conversation = before.channel.conversation();
    const asked = await conversation.say("I can't reach my son, he was at the station this morning");
    expect(asked.at(-1)!.text).toBe(d2.consentQuestion.replace('{{days}}', '30'));
    expect(await mongoose.connection.db!.collection('botstate').countDocuments()).toBe(1);
    await before.stop();

    const after = await startTestBot({ MONGODB_URI: uri, D2_ENCRYPTION_KEY: before.env.D2_ENCRYPTION_KEY! });
    bots.push(after);
    expect(await partitionCount()).toBe(SCANNING_ENGINE_PARTITIONS);
    expect(await mongoose.connection.db!.collection('botstate').countDocuments()).toBe(0);
    const resumed = after.channel.conversation({ id: conversation.id });
    expect((await resumed.say(d2.consentYes))[0]!.text).toBe(d2.askCallerName);
  }, 90_000);
});
