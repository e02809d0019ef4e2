/**
 * `npm run bench`: drives N concurrent conversations through /api/messages of the real bot
 * (embedded database, interaction logging on) and of a bare echo bot in the same run, and
 * prints throughput and latency percentiles of both, in two rounds:
 * - saturated: each conversation sends its next message as soon as the last is answered, which
 *   measures the most messages a second a bot takes (and latency that is mostly queueing);
 * - paced: each conversation waits a random pause (exponential, mean BENCH_PAUSE_MS) before its
 *   next message, as people do, which measures the latency citizens see at that many conversations.
 *
 *
 * `npm run bench -- --stored N` first stores N conversations through the protocol (one message
 * each, BENCH_FILL_CONCURRENCY at a time), printing the fill rate of its first and last minute,
 * then runs only the paced round, against that much data. `--webchat M` does the same through
 * the bot's Direct Line endpoint (web-chat conversations: start, one message), then runs the
 * paced round through it too, timing the first reply of each new web chat.
 *
 * A third round, `understanding`, measures what the embeddings model costs citizens: 60 paced
 * conversations (BENCH_MODEL_CONVERSATIONS) send varied texts (the development questions, with
 * greetings and endings people add, so that the cache cannot answer them all) to the bot and, side
 * by side, to a second bot with EMBEDDINGS=off; it prints both latencies, the share of the
 * hybrid bot's turn time spent waiting for vectors, and the cache hit rate (from /healthz).
 *
 *   BENCH_CONVERSATIONS (50)  BENCH_MESSAGES (20 per conversation)  BENCH_TARGET (a running bot's URL; default: start one)
 *   BENCH_PAUSE_MS (2000)  BENCH_PACED_MESSAGES (10 per conversation)  BENCH_FILL_CONCURRENCY (50)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadConfig } from '../bot/config';
import { untilUnderstanding } from './botReadiness';
import { freePort } from './freePort';
import { fillConversations, percentile, webChatRound } from './benchFill';

const ROOT = path.resolve(__dirname, '..', '..');
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 2000);
const PACED_MESSAGES = Number(process.env.BENCH_PACED_MESSAGES ?? 10);
const FILL_CONCURRENCY = Number(process.env.BENCH_FILL_CONCURRENCY ?? 50);
const MODEL_CONVERSATIONS = Number(process.env.BENCH_MODEL_CONVERSATIONS ?? 60);

/** `--stored N` and `--webchat M`: conversations to store first (0: none). */
function storedArgument(name: string): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return 0;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} takes a whole number of conversations`);
  return value;
}
const STORED = storedArgument('stored');
/**
 * A saturating fill leaves writes finishing in the background (state writes past the turn's
 * wait, the interaction log's backlog, which holds the embedded database's one write lock in
 * batches): the round after it measures the stored data, not those. It starts once the bot says
 * its log is written (twice in a row, a second apart) and 15 s have passed, or after 5 minutes.
 */
const SETTLE_MS = 15_000;
const SETTLE_LIMIT_MS = 5 * 60_000;
async function settle(botUrl: string): Promise<void> {
  const started = Date.now();
  let quiet = 0;
  while (Date.now() - started < SETTLE_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const health = (await fetch(`${botUrl}/healthz`)
      .then((r) => r.json())
      .catch(() => ({}))) as { interactionLogPending?: number };
    quiet = health.interactionLogPending === 0 ? quiet + 1 : 0;
    if (quiet >= 2 && Date.now() - started >= SETTLE_MS) break;
  }
  console.log(`  settled ${((Date.now() - started) / 1000).toFixed(0)} s after the fill`);
}
const WEBCHAT = storedArgument('webchat');
const QUESTIONS = [
  'Moet ik binnen blijven?',
  'Dois-je rester à la maison ?',
  'Is tap water safe to drink?',
  'Sind die Schulen geschlossen?',
  'Welke wegen zijn afgesloten?',
  'Où est le centre d’accueil ?',
];

/** Receives the bots' replies, as a channel's Connector API would. */
async function startChannel(): Promise<{ serviceUrl: string; received: () => number; close: () => void }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"${randomUUID()}"}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { serviceUrl: `http://127.0.0.1:${port}`, received: () => count, close: () => server.close() };
}

/** Counts a process's warnings and errors (pino's JSON lines) by message, to report them per round. */
class WarningCount {
  private readonly counts = new Map<string, number>();

  constructor(child: ChildProcess) {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const { level, msg } = JSON.parse(line) as { level?: number; msg?: string };
        if ((level ?? 0) >= 40) this.counts.set(msg ?? '', (this.counts.get(msg ?? '') ?? 0) + 1);
      } catch {
        // Not a log line: nothing to count.
      }
    });
  }

  /** What was counted since the last call, as printable lines. */
  take(): string[] {
    const lines = [...this.counts].map(([msg, n]) => `  ${n} x "${msg}"`);
    this.counts.clear();
    return lines;
  }
}

/** Starts a built script on a free port; with `countWarnings`, its logged warnings are counted from the start. */
async function startProcess(
  script: string,
  env: Record<string, string>,
  countWarnings = false,
): Promise<{ url: string; child: ChildProcess; warnings?: WarningCount }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', script)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', countWarnings ? 'pipe' : 'ignore', 'inherit'],
  });
  const warnings = countWarnings ? new WarningCount(child) : undefined;
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (
    !(await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${script} not healthy in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, warnings };
}

interface Result {
  name: string;
  messages: number;
  /** How many failed with each HTTP status (0: the connection failed before an answer). */
  failedBy: Map<number, number>;
  seconds: number;
  latencies: number[];
}

interface Round {
  name: string;
  /** What the round does, as printed above its figures. */
  description: string;
  conversations: number;
  /** The text of conversation n's i-th message. */
  text: (n: number, i: number) => string;
  messages: number;
  /** Mean pause before each message; 0 sends each message as soon as the previous one is answered. */
  pauseMs: number;
}

const fixedQuestions = (n: number, i: number) => QUESTIONS[(n + i) % QUESTIONS.length]!;
const SATURATED: Round = {
  name: 'saturated',
  description: `${CONVERSATIONS} concurrent conversations x ${MESSAGES} messages, each sent once the previous one is answered`,
  conversations: CONVERSATIONS,
  text: fixedQuestions,
  messages: MESSAGES,
  pauseMs: 0,
};
const PACED: Round = {
  name: 'paced',
  description: `${CONVERSATIONS} concurrent conversations x ${PACED_MESSAGES} messages, a pause of ${PAUSE_MS} ms on average before each`,
  conversations: CONVERSATIONS,
  text: fixedQuestions,
  messages: PACED_MESSAGES,
  pauseMs: PAUSE_MS,
};

/** What people put around a question; combined with the development questions, few texts repeat. */
const OPENINGS = ['', 'Hello, ', 'Bonjour, ', 'hi ', 'Goedendag, ', 'quick question: ', 'Hallo, '];
const ENDINGS = ['', ' thanks', ' ?', ' please', '!!', ' merci', ' dank u'];
const developmentQuestions = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'demo-questions.json'), 'utf8')) as {
    cases: { text: string; expect: { kind: string } }[];
  }
).cases
  .filter((c) => c.expect.kind === 'answer')
  .map((c) => c.text);
const UNDERSTANDING: Round = {
  name: 'understanding',
  description: `${MODEL_CONVERSATIONS} concurrent conversations x ${PACED_MESSAGES} varied questions, a pause of ${PAUSE_MS} ms on average before each`,
  conversations: MODEL_CONVERSATIONS,
  text: (n, i) => {
    const k = n * PACED_MESSAGES + i;
    const question = developmentQuestions[(k * 7) % developmentQuestions.length]!;
    return `${OPENINGS[(k * 3) % OPENINGS.length]}${question}${ENDINGS[(k * 5) % ENDINGS.length]}`;
  },
  messages: PACED_MESSAGES,
  pauseMs: PAUSE_MS,
};

interface EmbeddingsCounters {
  queries: number;
  cacheHits: number;
  unanswered: number;
  waitMs: number;
}

async function embeddingsCounters(botUrl: string): Promise<EmbeddingsCounters | undefined> {
  const health = (await (await fetch(`${botUrl}/healthz`)).json()) as { embeddings?: EmbeddingsCounters };
  return health.embeddings;
}

/** The model's part in a round: the share of turn time spent waiting for vectors, and the cache's. */
function modelShare(before: EmbeddingsCounters, after: EmbeddingsCounters, result: Result): string {
  const queries = after.queries - before.queries;
  const turnMs = result.latencies.reduce((sum, ms) => sum + ms, 0);
  const waitMs = after.waitMs - before.waitMs;
  return (
    `model: ${queries} queries, cache hits ${((100 * (after.cacheHits - before.cacheHits)) / Math.max(1, queries)).toFixed(0)}%, ` +
    `waited on average ${(waitMs / Math.max(1, queries)).toFixed(1)} ms a query, ${((100 * waitMs) / Math.max(1, turnMs)).toFixed(0)}% of the turns' time; ` +
    `${after.unanswered - before.unanswered} answered by words alone (model late or down)`
  );
}

/** Exponentially distributed, as the gaps between independent people's messages are. */
function pause(meanMs: number): Promise<void> {
  if (meanMs <= 0) return Promise.resolve();
  return new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * meanMs));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });

/** Posts one citizen message through /api/messages; resolves with the HTTP status once the turn ran (0: no answer). */
function postActivity(
  botUrl: string,
  serviceUrl: string,
  conversationId: string,
  n: number,
  text: string,
): Promise<number> {
  const body = JSON.stringify({
    type: 'message',
    id: randomUUID(),
    channelId: 'bench',
    serviceUrl,
    conversation: { id: conversationId },
    from: { id: `citizen-${n}` },
    recipient: { id: 'bot' },
    text,
  });
  return new Promise<number>((resolve) => {
    const req = http.request(
      `${botUrl}/api/messages`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function drive(name: string, botUrl: string, serviceUrl: string, round: Round): Promise<Result> {
  const latencies: number[] = [];
  const failedBy = new Map<number, number>();
  const conversation = async (n: number) => {
    const conversationId = `bench-${name}-${n}-${randomUUID()}`;
    for (let i = 0; i < round.messages; i++) {
      await pause(round.pauseMs);
      const started = performance.now();
      const status = await postActivity(botUrl, serviceUrl, conversationId, n, round.text(n, i));
      latencies.push(performance.now() - started);
      if (status < 200 || status >= 300) failedBy.set(status, (failedBy.get(status) ?? 0) + 1);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: round.conversations }, (_, n) => conversation(n)));
  const seconds = (performance.now() - started) / 1000;
  return {
    name,
    messages: round.conversations * round.messages,
    failedBy,
    seconds,
    latencies: latencies.sort((a, b) => a - b),
  };
}

function failed(r: Result): number {
  return [...r.failedBy.values()].reduce((sum, n) => sum + n, 0);
}

function row(r: Result): string {
  const rate = r.messages / r.seconds;
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(r.latencies, p).toFixed(1));
  const statuses = [...r.failedBy].map(
    ([status, n]) => `${n} x ${status === 0 ? 'no answer' : `HTTP ${status}`}`,
  );
  const why = statuses.length > 0 ? `  (failed: ${statuses.join(', ')})` : '';
  return `${r.name.padEnd(10)} ${String(r.messages).padStart(6)} msgs  ${String(failed(r)).padStart(4)} failed  ${rate.toFixed(0).padStart(6)} msg/s  p50 ${p50} ms  p95 ${p95} ms  p99 ${p99} ms${why}`;
}

async function main(): Promise<void> {
  const channel = await startChannel();
  const children: ChildProcess[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-bench-'));
  try {
    const bot = process.env.BENCH_TARGET
      ? { url: process.env.BENCH_TARGET }
      : await startProcess(
          'bot/main.js',
          {
            DATA_DIR: dataDir,
            EMBEDDED_DB_PORT: String(await freePort()),
            // Its own model too: one another process already runs on the default port would skew the figures.
            EMBEDDED_MODEL_PORT: String(await freePort(loadConfig(process.env).EMBEDDED_MODEL_PROCESSES)),
            MONGODB_URI: process.env.MONGODB_URI ?? '',
            // The fill starts thousands of web chats from one address.
            DIRECT_LINE_STARTS_PER_MINUTE: '100000',
          },
          true,
        );
    if ('child' in bot) children.push(bot.child);
    await untilUnderstanding(bot.url, 'child' in bot ? bot.child : undefined);
    // Only for a bot the bench started: a running one (BENCH_TARGET) keeps its logs.
    const printWarnings = (when: string) => {
      const lines = 'warnings' in bot ? bot.warnings?.take() : undefined;
      if (lines)
        console.log(`crisis-bot warnings, ${when}: ${lines.length ? `\n${lines.join('\n')}` : 'none'}`);
    };
    const echo = await startProcess('scripts/echoBot.js', {});
    children.push(echo.child);

    console.log(`${os.cpus().length} cores, Node ${process.version}`);
    // A warm-up so that JIT and connection pools are not measured.
    await drive('warm-up', bot.url, channel.serviceUrl, SATURATED);
    await drive('warm-up', echo.url, channel.serviceUrl, SATURATED);
    printWarnings('start-up and warm-up');
    if (STORED > 0) {
      const text = (n: number) => QUESTIONS[n % QUESTIONS.length]!;
      const fill = await fillConversations('protocol', STORED, FILL_CONCURRENCY, (n) =>
        postActivity(bot.url, channel.serviceUrl, `bench-stored-${n}-${randomUUID()}`, n, text(n)),
      );
      console.log(fill);
      printWarnings('fill through the protocol');
      await settle(bot.url);
    }
    if (WEBCHAT > 0) {
      console.log(
        await webChatRound({
          botUrl: bot.url,
          fill: WEBCHAT,
          settle: () => settle(bot.url),
          concurrency: FILL_CONCURRENCY,
          conversations: CONVERSATIONS,
          messages: PACED_MESSAGES,
          pauseMs: PAUSE_MS,
          questions: QUESTIONS,
        }),
      );
      printWarnings('web chat');
    }
    for (const round of STORED > 0 || WEBCHAT > 0 ? [PACED] : [SATURATED, PACED]) {
      console.log(`${round.name}: ${round.description}`);
      const echoResult = await drive('echo', echo.url, channel.serviceUrl, round);
      const botResult = await drive('crisis-bot', bot.url, channel.serviceUrl, round);
      console.log(row(echoResult));
      console.log(row(botResult));
      printWarnings(round.name);
      if (round === SATURATED) {
        const ratio = botResult.messages / botResult.seconds / (echoResult.messages / echoResult.seconds);
        console.log(`throughput ratio crisis-bot / echo: ${ratio.toFixed(2)}`);
      }
      if (failed(echoResult) > 0 || failed(botResult) > 0) process.exitCode = 1;
    }
    if (STORED === 0 && WEBCHAT === 0) {
      // Side by side with the same bot without a model, started like the first on its own data.
      const wordsOnly = await startProcess('bot/main.js', {
        DATA_DIR: fs.mkdtempSync(path.join(dataDir, 'words-')),
        EMBEDDED_DB_PORT: String(await freePort()),
        MONGODB_URI: '',
        EMBEDDINGS: 'off',
      });
      children.push(wordsOnly.child);
      await drive('warm-up', wordsOnly.url, channel.serviceUrl, SATURATED);
      console.log(`${UNDERSTANDING.name}: ${UNDERSTANDING.description}`);
      const words = await drive('words only', wordsOnly.url, channel.serviceUrl, UNDERSTANDING);
      const before = await embeddingsCounters(bot.url);
      const hybrid = await drive('hybrid', bot.url, channel.serviceUrl, UNDERSTANDING);
      const after = await embeddingsCounters(bot.url);
      console.log(row(words));
      console.log(row(hybrid));
      if (before && after) console.log(modelShare(before, after, hybrid));
      printWarnings(UNDERSTANDING.name);
      if (failed(words) > 0 || failed(hybrid) > 0) process.exitCode = 1;
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    agent.destroy();
    channel.close();
    await new Promise((r) => setTimeout(r, 1500));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
