import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDb, type EmbeddedDb } from '../../embedded';
import { startTestBot, type TestBot } from '../helpers/bot';
import { freePort, PROJECT_ROOT, silentLogger, waitFor } from '../helpers/db';
import { crisisReplyOf } from '../helpers/testChannel';

const OUTAGE_MS = 10_000;

/** The bot on a database of its own, which the test stops for ten seconds mid-conversation. */
describe('a database outage', () => {
  let dir: string;
  let port: number;
  let db: EmbeddedDb | undefined;
  let bot: TestBot;
  const start = () =>
    startEmbeddedDb({
      dataDir: dir,
      port,
      logger: silentLogger,
      rootDir: PROJECT_ROOT,
      ownProcessGroup: false,
    });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-outage-'));
    port = await freePort();
    db = await start();
    bot = await startTestBot({ MONGODB_URI: `mongodb://127.0.0.1:${port}/outage` });
  });
  afterAll(async () => {
    await bot?.stop();
    await db?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps answering from cached content and loses no interaction log entry', async () => {
    const conversation = bot.channel.conversation();
    await conversation.say('Is het kraanwater drinkbaar?');

    await db!.stop();
    db = undefined;
    const during: (string | undefined)[] = [];
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      const replies = await bot.channel.conversation().say('Welke wegen zijn afgesloten?');
      during.push(replies[0] ? crisisReplyOf(replies[0])?.kind : undefined);
      await new Promise((r) => setTimeout(r, 500));
    }
    const health = await fetch(`${bot.app.url}/healthz`);
    expect(health.status).toBe(503);
    db = await start();

    expect(during.length).toBeGreaterThanOrEqual(8);
    expect(during.every((kind) => kind === 'answer')).toBe(true);
    // Each answered turn logs the message in and its reply out.
    const expected = 2 * (1 + during.length);
    const interactions = () => mongoose.connection.db!.collection('interactions').countDocuments();
    await waitFor(
      async () => mongoose.connection.readyState === 1 && (await interactions()) >= expected,
      'the log to catch up',
      30_000,
    );
    expect(await interactions()).toBe(expected);
    await waitFor(async () => (await fetch(`${bot.app.url}/healthz`)).ok, 'health to come back', 15_000);
  }, 90_000);
});
