import mongoose from 'mongoose';
import { startEmbeddedModel, type EmbeddedModel } from '../../embedded';
import { spawnBot, startTestBot, testEnv, type BotProcess } from '../helpers/bot';
import { freePort, PROJECT_ROOT, silentLogger, waitFor } from '../helpers/db';
import { crisisReplyOf, TestChannel, type ReceivedActivity } from '../helpers/testChannel';

async function health(url: string): Promise<{ status: number; understanding: unknown }> {
  const response = await fetch(`${url}/healthz`);
  const body = (await response.json()) as { understanding?: unknown };
  return { status: response.status, understanding: body.understanding };
}

describe('/healthz understanding of a bot started in-process', () => {
  it('is hybrid with the embedded model, and the embedder is there for its stats', async () => {
    const bot = await startTestBot();
    try {
      expect(await health(bot.app.url)).toEqual({ status: 200, understanding: 'hybrid' });
      expect(bot.app.embedder?.model).toBe('multilingual-e5-small-q4');
    } finally {
      await bot.stop();
    }
  });

  it('says word search only when embeddings are off, and starts no model', async () => {
    // A port nothing answers on: with EMBEDDINGS=off the bot must not start a model there.
    const modelPort = String(await freePort());
    const bot = await startTestBot({ EMBEDDINGS: 'off', EMBEDDED_MODEL_PORT: modelPort });
    try {
      expect(await health(bot.app.url)).toEqual({ status: 200, understanding: 'word search only: off' });
      expect(bot.app.embedder).toBeUndefined();
      expect(await fetch(`http://127.0.0.1:${modelPort}/health`).catch(() => 'refused')).toBe('refused');
    } finally {
      await bot.stop();
    }
  });
});

/** The demo's questions, numbered so that no two messages are the same text (no cache answers them). */
const QUESTIONS = [
  'Is het kraanwater drinkbaar?',
  'Moet ik binnen blijven?',
  'Can I drink tap water?',
  'Sind die Schulen geschlossen?',
];

describe('a bot process whose embedded model is killed during a load', () => {
  let bot: BotProcess | undefined;
  let channel: TestChannel | undefined;
  let restarted: EmbeddedModel | undefined;
  const env = testEnv({
    LOG_LEVEL: 'info',
    EMBEDDINGS_HEALTH_MS: '300',
    EMBEDDINGS_BREAKER_FAILURES: '2',
    EMBEDDINGS_BREAKER_RESET_MS: '500',
  });

  afterAll(async () => {
    await bot?.kill('SIGKILL');
    await channel?.stop();
    await restarted?.stop();
    await mongoose.connect(env.MONGODB_URI!);
    await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
  });

  it('answers every message, says word search only meanwhile, and is hybrid again once the model is back', async () => {
    const modelPort = await freePort();
    // Its own model, not the run's: this one is killed.
    bot = await spawnBot({ ...env, EMBEDDED_MODEL_PORT: String(modelPort) }, 120_000);
    const started = bot
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; modelPid?: number })
      .find((entry) => entry.msg === 'embedded model started');
    expect(started?.modelPid).toEqual(expect.any(Number));
    expect(await health(bot.url)).toEqual({ status: 200, understanding: 'hybrid' });

    channel = new TestChannel(bot.url);
    await channel.start();
    const replies: ReceivedActivity[][] = [];
    let flowing = true;
    const load = (async () => {
      for (let n = 0; flowing; n++) {
        const text = `${QUESTIONS[n % QUESTIONS.length]} ${n}`;
        replies.push(await channel!.conversation().say(text));
      }
    })();
    const answeredSoFar = (more: number) => {
      const target = replies.length + more;
      return () => replies.length >= target;
    };

    try {
      await waitFor(answeredSoFar(3), 'messages before the outage', 20_000);
      process.kill(started!.modelPid!, 'SIGKILL');
      await waitFor(
        async () => (await health(bot!.url)).understanding === 'word search only: model unavailable',
        '/healthz to say word search only',
        20_000,
      );
      expect((await health(bot.url)).status).toBe(200);
      await waitFor(answeredSoFar(5), 'messages during the outage', 20_000);

      restarted = await startEmbeddedModel({
        rootDir: PROJECT_ROOT,
        port: modelPort,
        threads: 1,
        logger: silentLogger,
        ownProcessGroup: false,
      });
      await waitFor(
        async () => (await health(bot!.url)).understanding === 'hybrid',
        '/healthz hybrid',
        20_000,
      );
      await waitFor(answeredSoFar(3), 'messages after the outage', 20_000);
    } finally {
      flowing = false;
      await load;
    }

    expect(replies.length).toBeGreaterThanOrEqual(11);
    const kinds = replies.map((reply) => reply[0] && crisisReplyOf(reply[0])?.kind);
    // Answered from the FAQ or with options: never the apology of a failed turn, never silence.
    expect(kinds.filter((kind) => kind !== 'answer' && kind !== 'clarify')).toEqual([]);
    expect(bot.output()).toContain('the embedded model exited unexpectedly');
    expect(bot.output()).not.toContain('turn failed');
  }, 180_000);
});
