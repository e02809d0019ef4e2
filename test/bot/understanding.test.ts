import mongoose from 'mongoose';
import { loadConfig } from '../../bot/config';
import { answersHealth } from '../../embedded';
import { spawnBot, startTestBot, testEnv, type BotProcess } from '../helpers/bot';
import { freePort, waitFor } from '../helpers/db';
import { crisisReplyOf, TestChannel, type ReceivedActivity } from '../helpers/testChannel';
import { prewarmTriageClassifier } from '../triage/testModel';

async function health(
  url: string,
): Promise<{ status: number; understanding: unknown; secondOpinion: unknown }> {
  const response = await fetch(`${url}/healthz`);
  const body = (await response.json()) as { understanding?: unknown; secondOpinion?: unknown };
  return { status: response.status, understanding: body.understanding, secondOpinion: body.secondOpinion };
}

describe('/healthz understanding of a bot started in-process', () => {
  it('is hybrid with the embedded model, and the embedder is there for its stats', async () => {
    await prewarmTriageClassifier();
    const bot = await startTestBot();
    try {
      expect(await health(bot.app.url)).toEqual({
        status: 200,
        understanding: 'hybrid',
        secondOpinion: 'ready',
      });
      expect(bot.app.embedder?.model).toBe('multilingual-e5-small-q4');
      // The demo crisis is served by meaning: its content vectors are loaded.
      const body = (await (await fetch(`${bot.app.url}/healthz`)).json()) as Record<string, unknown>;
      expect(body).toMatchObject({ crises: 1, crisesByMeaning: 1 });
    } finally {
      await bot.stop();
    }
  });

  it('says word search only when embeddings are off, and starts no model', async () => {
    // A port nothing answers on: with EMBEDDINGS=off the bot must not start a model there.
    const modelPort = String(await freePort());
    const bot = await startTestBot({ EMBEDDINGS: 'off', EMBEDDED_MODEL_PORT: modelPort });
    try {
      expect(await health(bot.app.url)).toEqual({
        status: 200,
        understanding: 'word search only: off',
        secondOpinion: 'off',
      });
      expect(bot.app.embedder).toBeUndefined();
      expect(await (await fetch(`${bot.app.url}/healthz`)).json()).not.toHaveProperty('crisesByMeaning');
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

/** How many servers of the embedded model a bot runs by default. */
const MODEL_PROCESSES = loadConfig({}).EMBEDDED_MODEL_PROCESSES;

/** The servers of the embedded model the bot process logged it started, in order. */
function modelStarts(bot: BotProcess): { port: number; pid: number }[] {
  return bot
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; port?: number; modelPid?: number })
    .filter((entry) => entry.msg === 'embedded model started')
    .map((entry) => ({ port: entry.port!, pid: entry.modelPid! }));
}

/** The server running on each port: the last one started there. */
function runningModels(bot: BotProcess): number[] {
  return [...new Map(modelStarts(bot).map(({ port, pid }) => [port, pid])).values()];
}

describe('a bot process whose embedded model is killed during a load', () => {
  let bot: BotProcess | undefined;
  let channel: TestChannel | undefined;
  const env = testEnv({
    LOG_LEVEL: 'info',
    EMBEDDINGS_HEALTH_MS: '300',
    EMBEDDINGS_BREAKER_FAILURES: '2',
    // Also how long the bot waits before starting its dead model again: time to see the outage.
    EMBEDDINGS_BREAKER_RESET_MS: '3000',
  });

  afterAll(async () => {
    await bot?.kill('SIGTERM');
    await channel?.stop();
    await mongoose.connect(env.MONGODB_URI!);
    await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
  });

  it('answers every message when servers of its model die: hybrid while one is left, word search only while none is, hybrid again', async () => {
    // Its own model, not the run's: this one is killed, every server of it.
    const modelPort = await freePort(MODEL_PROCESSES);
    const modelPorts = Array.from({ length: MODEL_PROCESSES }, (_, i) => modelPort + i);
    bot = await spawnBot({ ...env, EMBEDDED_MODEL_PORT: String(modelPort) }, 120_000);
    expect(modelStarts(bot).map(({ port }) => port)).toEqual(modelPorts);
    expect(await health(bot.url)).toMatchObject({ status: 200, understanding: 'hybrid' });

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
      // One server dies: the others embed the messages, and it is started again.
      process.kill(runningModels(bot)[0]!, 'SIGKILL');
      await waitFor(answeredSoFar(6), 'messages while one server is down', 20_000);
      expect((await health(bot.url)).understanding).toBe('hybrid');
      await waitFor(
        () => modelStarts(bot!).length === MODEL_PROCESSES + 1,
        'the dead server started again',
        20_000,
      );
      // Every server dies.
      for (const pid of runningModels(bot)) process.kill(pid, 'SIGKILL');
      await waitFor(
        async () => (await health(bot!.url)).understanding === 'word search only: model unavailable',
        '/healthz to say word search only',
        20_000,
      );
      expect((await health(bot.url)).status).toBe(200);
      await waitFor(answeredSoFar(3), 'messages during the outage', 20_000);
      await waitFor(
        async () => (await health(bot!.url)).understanding === 'hybrid',
        '/healthz hybrid',
        30_000,
      );
      await waitFor(answeredSoFar(3), 'messages after the outage', 20_000);
    } finally {
      flowing = false;
      await load;
    }

    // Each started again after each death, on its own port (those that died together in any order).
    const ports = modelStarts(bot).map(({ port }) => port);
    expect(ports.slice(0, MODEL_PROCESSES + 1)).toEqual([...modelPorts, modelPorts[0]]);
    expect(ports.slice(MODEL_PROCESSES + 1).sort((a, b) => a - b)).toEqual(modelPorts);
    for (const port of modelPorts) expect(await answersHealth(port)).toBe(true);
    const kinds = replies.map((reply) => reply[0] && crisisReplyOf(reply[0])?.kind);
    // Answered from the FAQ or with options: never the apology of a failed turn, never silence.
    expect(kinds.filter((kind) => kind !== 'answer' && kind !== 'clarify')).toEqual([]);
    expect(bot.output()).toContain('the embedded model exited unexpectedly');
    expect(bot.output()).not.toContain('turn failed');

    // Stopped with the bot, restarted model included.
    expect(await bot.kill('SIGTERM')).toBe(0);
    for (const port of modelPorts) expect(await answersHealth(port)).toBe(false);
  }, 180_000);
});
