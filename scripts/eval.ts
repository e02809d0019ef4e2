/**
 * `npm run eval -- CONTENT.json QUESTIONS.json`: starts the bot on its own throwaway embedded
 * database with CONTENT as its only crisis, asks every case of QUESTIONS over the Bot Framework
 * protocol (one new conversation per case, as a citizen's first message), and prints what the bot
 * did: answered right, right entry offered, answered wrong, D2 recall, traps kept general, handoff,
 * overall and per language. Communicators use it to test their content before publishing.
 *
 *   EVAL_CONCURRENCY (4)   EVAL_JSON=1 also prints the figures as JSON
 *   EVAL_MISSES=0 hides the missed messages (for held-out sets nobody tuning should read)
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../bot/paths';
import { untilUnderstanding } from './botReadiness';
import { freePort } from './freePort';
import { missesHidden } from './missesHidden';
import { ReplyChannel, type CrisisReply } from './replyChannel';

const ROOT = projectRoot();
/** The bot of the same tree as this script: the built one under `npm run eval`, the sources under tsx. */
const BOT_ENTRY =
  path.extname(__filename) === '.ts'
    ? ['--import', 'tsx', path.join(ROOT, 'bot', 'main.ts')]
    : [path.join(ROOT, 'dist', 'bot', 'main.js')];
const CONCURRENCY = Number(process.env.EVAL_CONCURRENCY ?? 4);
const REPLY_TIMEOUT_MS = 60_000;

const questionsSchema = z.object({
  crisis: z.string().optional(),
  cases: z
    .array(
      z.object({
        text: z.string().min(1),
        lang: z.enum(['fr', 'nl', 'de', 'en']),
        expect: z.object({
          kind: z.enum(['answer', 'd2', 'handoff', 'not-answer']),
          faqId: z.string().optional(),
        }),
        trap: z.boolean().optional(),
      }),
    )
    .min(1),
});
type Case = z.infer<typeof questionsSchema>['cases'][number];

interface Outcome {
  c: Case;
  reply: CrisisReply | undefined;
  /** For a general question taken for a victim inquiry: the bot's reply to the citizen's "no". */
  afterNo?: CrisisReply | undefined;
}

/**
 * What a citizen whose general question was taken for a possible victim inquiry gets after
 * answering "no" to the yes/no question: the answer the bot then gives. A message taken for a
 * clear inquiry (consent asked at once) stays a D2 outcome: "no" declines the intake there.
 */
function afterOneNo(o: Outcome): Outcome {
  return o.afterNo && o.afterNo.kind !== 'd2' ? { c: o.c, reply: o.afterNo } : o;
}

const isGeneral = (c: Case) => c.expect.kind === 'answer' || c.expect.kind === 'not-answer';
const NO_WORD = Object.fromEntries(
  (['fr', 'nl', 'de', 'en'] as const).map((lang) => [
    lang,
    (JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'd2.json'), 'utf8')) as { no: string }).no,
  ]),
);

/** The figures of a set of outcomes; `undefined` where the set has no case of that kind. */
function figures(outcomes: Outcome[]) {
  const kind = (o: Outcome) => o.reply?.kind;
  // An expected answer without an entry (D2 sets' traps, which belong to no crisis) only counts as kept D5.
  const answerable = outcomes.filter((o) => o.c.expect.kind === 'answer' && o.c.expect.faqId);
  const general = [...answerable, ...outcomes.filter((o) => o.c.expect.kind === 'not-answer')];
  const right = answerable.filter((o) => kind(o) === 'answer' && o.reply?.faqId === o.c.expect.faqId);
  // The right entry among a clarification's options, or among those offered beside the yes/no
  // question of a possible victim inquiry: either way the citizen's answer is one choice away.
  const offers = (o: Outcome) => (o.reply?.options ?? []).includes(o.c.expect.faqId ?? '');
  const offered = answerable.filter((o) => (kind(o) === 'clarify' || kind(o) === 'd2') && offers(o));
  const wrong = general.filter((o) => kind(o) === 'answer' && o.reply?.faqId !== o.c.expect.faqId);
  const d2 = outcomes.filter((o) => o.c.expect.kind === 'd2');
  const traps = outcomes.filter((o) => o.c.trap);
  const handoff = outcomes.filter((o) => o.c.expect.kind === 'handoff');
  const share = (part: Outcome[], of: Outcome[]) =>
    of.length === 0 ? undefined : { n: part.length, of: of.length, pct: (100 * part.length) / of.length };
  return {
    cases: outcomes.length,
    answeredRight: share(right, answerable),
    rightOrOffered: share([...right, ...offered], answerable),
    wrong: share(wrong, general),
    d2Recall: share(
      d2.filter((o) => kind(o) === 'd2'),
      d2,
    ),
    trapsKeptD5: share(
      traps.filter((o) => kind(o) !== 'd2'),
      traps,
    ),
    handoff: share(
      handoff.filter((o) => kind(o) === 'handoff'),
      handoff,
    ),
    noReply: outcomes.filter((o) => !o.reply).length,
    // Where the answerable questions that were not answered right went: what to work on first.
    answerableWent: {
      offered: answerable.filter((o) => kind(o) === 'clarify' && offers(o)).length,
      offeredOthers: answerable.filter((o) => kind(o) === 'clarify' && o.reply?.options?.length && !offers(o))
        .length,
      wrong: answerable.filter((o) => kind(o) === 'answer').length - right.length,
      // A clarification without options asks the citizen to rephrase: nothing was found.
      nothing: answerable.filter((o) => kind(o) === 'clarify' && !o.reply?.options?.length).length,
      d2Offered: answerable.filter((o) => kind(o) === 'd2' && offers(o)).length,
      d2: answerable.filter((o) => kind(o) === 'd2' && !offers(o)).length,
      handoff: answerable.filter((o) => kind(o) === 'handoff').length,
    },
  };
}

type Share = { n: number; of: number; pct: number } | undefined;
const show = (s: Share) => (s ? `${s.pct.toFixed(1)}% (${s.n}/${s.of})` : '-');

function printFigures(title: string, f: ReturnType<typeof figures>): void {
  console.log(
    `${title.padEnd(6)} cases ${String(f.cases).padStart(3)} | answered right ${show(f.answeredRight)} | ` +
      `right or offered ${show(f.rightOrOffered)} | wrong ${show(f.wrong)} | D2 recall ${show(f.d2Recall)} | ` +
      `traps kept D5 ${show(f.trapsKeptD5)} | handoff ${show(f.handoff)}` +
      (f.noReply > 0 ? ` | NO REPLY ${f.noReply}` : ''),
  );
}

/** Starts the bot as `npm start` would, on a fresh embedded database holding only CONTENT. */
async function startBot(contentFile: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-eval-'));
  const port = await freePort();
  const child = spawn(process.execPath, BOT_ENTRY, {
    cwd: ROOT,
    env: {
      ...process.env,
      // Set (even empty) so that a MONGODB_URI in .env cannot point the evaluation at real data.
      MONGODB_URI: '',
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(await freePort()),
      DEMO_CONTENT_FILE: path.resolve(contentFile),
      D2_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PORT: String(port),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // This measures understanding, not speed (that is `npm run bench`): a busy machine must not
      // turn answers by meaning into word-search ones.
      EMBEDDINGS_QUERY_TIMEOUT_MS: process.env.EMBEDDINGS_QUERY_TIMEOUT_MS ?? '5000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  // A bot that never got ready is stopped too: left running, it would go on fitting and slow the machine.
  const health = await untilUnderstanding(url, child).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  console.log(`bot ready: ${JSON.stringify(health)}`);
  // Start-up's own requests (health probes, content vectors) are not the questions'.
  const unansweredAtStart = unansweredOf(health);
  /** How many query vectors the model did not give since start-up (timed out, failed, circuit open). */
  const withoutModel = async (): Promise<number> =>
    unansweredOf((await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>) -
    unansweredAtStart;
  return { url, stop, withoutModel };
}

function unansweredOf(health: Record<string, unknown>): number {
  return (health.embeddings as { unanswered?: number } | undefined)?.unanswered ?? 0;
}

async function main(): Promise<number> {
  const [contentFile, questionsFile] = process.argv.slice(2);
  if (!contentFile || !questionsFile) {
    console.error('usage: npm run eval -- CONTENT.json QUESTIONS.json');
    return 2;
  }
  const parsed = questionsSchema.safeParse(JSON.parse(fs.readFileSync(questionsFile, 'utf8')));
  if (!parsed.success) {
    console.error(`${questionsFile}: not a question set:\n${z.prettifyError(parsed.error)}`);
    return 2;
  }
  const cases = parsed.data.cases;
  const bot = await startBot(contentFile);
  const channel = new ReplyChannel(bot.url);
  await channel.start();
  const outcomes: Outcome[] = [];
  let unranked: number;
  try {
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const conversationId = `eval-${randomUUID()}`;
        const ask = (text: string) =>
          channel.ask(text, c.lang, REPLY_TIMEOUT_MS, conversationId).catch((error: unknown) => {
            console.error(`no reply to "${text}": ${String(error)}`);
            return undefined;
          });
        const reply = await ask(c.text);
        const afterNo = isGeneral(c) && reply?.kind === 'd2' ? await ask(NO_WORD[c.lang]!) : undefined;
        outcomes.push({ c, reply, afterNo });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    unranked = await bot.withoutModel();
  } finally {
    channel.close();
    await bot.stop();
  }

  console.log(`\n${path.basename(questionsFile)} on ${path.basename(contentFile)}`);
  const all = figures(outcomes);
  printFigures('all', all);
  const afterNo = figures(outcomes.map(afterOneNo));
  console.log(
    `after one "no" to the victim-inquiry question: answered right ${show(afterNo.answeredRight)} | ` +
      `right or offered ${show(afterNo.rightOrOffered)} | wrong ${show(afterNo.wrong)} | ` +
      `traps kept D5 ${show(afterNo.trapsKeptD5)}`,
  );
  const went = all.answerableWent;
  console.log(
    `answerable not answered right: offered with the right entry ${went.offered}, offered others ${went.offeredOthers}, ` +
      `answered wrong ${went.wrong}, nothing found ${went.nothing}, ` +
      `taken for D2 with the right entry offered beside the yes/no question ${went.d2Offered}, ` +
      `taken for D2 without it ${went.d2}, handed over ${went.handoff}`,
  );
  for (const lang of ['fr', 'nl', 'de', 'en'])
    printFigures(lang, figures(outcomes.filter((o) => o.c.lang === lang)));
  const wrongAnswer = (o: Outcome) =>
    ((o.c.expect.kind === 'answer' && o.c.expect.faqId) || o.c.expect.kind === 'not-answer') &&
    o.reply?.kind === 'answer' &&
    o.reply.faqId !== o.c.expect.faqId;
  const misses = missesHidden()
    ? []
    : outcomes.filter(
        (o) =>
          (o.c.expect.kind === 'd2' && o.reply?.kind !== 'd2') ||
          // A general question (a trap or not) taken for a possible victim inquiry.
          (isGeneral(o.c) && o.reply?.kind === 'd2') ||
          wrongAnswer(o),
      );
  if (misses.length > 0) console.log('\nmissed D2, general questions taken for D2, and wrong answers:');
  for (const o of misses)
    console.log(
      `  ${o.c.lang} "${o.c.text}" expected ${o.c.expect.kind}${o.c.expect.faqId ? `:${o.c.expect.faqId}` : ''}` +
        `${o.c.trap ? ' (trap)' : ''}, got ${o.reply?.kind ?? 'nothing'}${o.reply?.faqId ? `:${o.reply.faqId}` : ''}`,
    );
  if (unranked > 0)
    console.log(
      `\nWARNING: the model did not answer ${unranked} times while the questions were asked (slow or ` +
        'down): those messages were answered by word search alone, so these figures are not the ' +
        "model's. Measure again on a quieter machine.",
    );
  if (process.env.EVAL_JSON === '1') console.log(JSON.stringify({ ...all, afterOneNo: afterNo }));
  return outcomes.some((o) => !o.reply) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
