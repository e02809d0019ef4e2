import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { startApp, type App } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { freePort, testDatabaseUri, testModelPort } from './db';
import { TestChannel } from './testChannel';

export { testDatabaseUri, testModelPort };

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Environment of a bot under test: its own database, the run's embedded model (found running on
 * its port and reused, as `npm start` would), a random port, quiet logs, fast content refresh.
 */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    CONTENT_REFRESH_MS: '200',
    MONGODB_URI: testDatabaseUri(`t_${randomUUID().slice(0, 8)}`),
    EMBEDDINGS: 'on',
    // Empty, not absent: a bot process would otherwise take a developer's .env settings for them.
    EMBEDDINGS_URL: '',
    EMBEDDINGS_MODEL: '',
    EMBEDDED_MODEL_PORT: testModelPort(),
    // A busy test machine must not turn retrieval tests into word-search ones; tests of a slow model set their own.
    EMBEDDINGS_QUERY_TIMEOUT_MS: '5000',
    D2_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...overrides,
  };
}

export interface TestBot {
  app: App;
  channel: TestChannel;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the whole bot in this process (composition root included) and a test channel for it. */
export async function startTestBot(overrides: Record<string, string> = {}): Promise<TestBot> {
  const env = testEnv(overrides);
  const app = await startApp(loadConfig(env), pino({ level: 'silent' }));
  const channel = new TestChannel(app.url);
  await channel.start();
  return {
    app,
    channel,
    env,
    async stop() {
      await channel.stop();
      await app.close();
    },
  };
}

export interface BotProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the bot as its own process (`bot/main.ts` through tsx), as `npm start` would, and waits until healthy. */
export async function spawnBot(env: Record<string, string>, timeoutMs = 30_000): Promise<BotProcess> {
  const port = env.PORT && env.PORT !== '0' ? env.PORT : String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bot', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      PORT: port,
      LOG_LEVEL: env.LOG_LEVEL === 'silent' ? 'warn' : (env.LOG_LEVEL ?? 'warn'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bot not healthy within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    output: () => output,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * One bot for the enclosing describe block (or file): started before its tests, its database
 * dropped and the bot stopped after them. Its fields are read once the tests run.
 */
export function useTestBot(overrides: Record<string, string> = {}): TestBot {
  let bot: TestBot | undefined;
  beforeAll(async () => {
    bot = await startTestBot(overrides);
  });
  afterAll(async () => {
    await mongoose.connection.db?.dropDatabase();
    await bot?.stop();
  });
  const current = () => {
    if (!bot) throw new Error('the test bot is started in beforeAll: use it inside hooks and tests');
    return bot;
  };
  return {
    get app() {
      return current().app;
    },
    get channel() {
      return current().channel;
    },
    get env() {
      return current().env;
    },
    stop: () => current().stop(),
  };
}
