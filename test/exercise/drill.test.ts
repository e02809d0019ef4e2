import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { purgeExerciseData } from '../../bot/exerciseRetention';
import { directLineActivities, InteractionModel, TicketModel } from '../../models';
import { ADMIN, ApiClient, adminEnv, authorityUser, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { activateFromTemplate, ALL_LANGUAGES, drillingAuthority } from '../helpers/exercise';

const ROOT = path.resolve(__dirname, '../..');
const NIS = '21902';
const EXERCISE = 'drill-storm';
const REAL = 'real-storm';
const DAY_MS = 86_400_000;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A question file of the content-format shape: the template's questions, and victim inquiries. */
function questionFile(): string {
  const flood = JSON.parse(fs.readFileSync(path.join(ROOT, 'content/templates/flood.json'), 'utf8')) as {
    faqs: Array<{ question: Record<string, string> }>;
  };
  const demo = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/demo-questions.json'), 'utf8')) as {
    cases: Array<{ text: string; lang: string; expect: { kind: string } }>;
  };
  const cases = [
    ...flood.faqs.flatMap((faq) =>
      ALL_LANGUAGES.map((lang) => ({ text: faq.question[lang]!, lang, expect: { kind: 'answer' } })),
    ),
    ...demo.cases.filter((c) => c.expect.kind === 'd2'),
  ];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drill-')), 'questions.json');
  fs.writeFileSync(file, JSON.stringify({ crisis: EXERCISE, cases }));
  return file;
}

/** Runs `npm run drill`'s script as its own process; resolves with its exit code and output. */
function drill(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts', 'drill.ts'), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** An operator of both queues and every language who claims what comes, answers, and closes it. */
function scriptedOperator(client: ApiClient, running: () => boolean): Promise<number> {
  return (async () => {
    let handled = 0;
    while (running()) {
      const claimed = await client.post<Json>('/api/tickets/claim-next');
      if (claimed.status === 200 && claimed.body?.id) {
        await client.post(`/api/tickets/${claimed.body.id}/messages`, {
          text: 'This is the desk, exercise.',
        });
        const closed = await client.post(`/api/tickets/${claimed.body.id}/close`, { outcome: 'resolved' });
        expect(closed.status).toBe(200);
        handled += 1;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    return handled;
  })();
}

describe('a drill, end to end', () => {
  const bot = useTestBot(adminEnv);
  let authority: Awaited<ReturnType<typeof drillingAuthority>>;

  beforeAll(async () => {
    authority = await drillingAuthority(bot.app.url, NIS);
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
    const tariff = await admin.post('/api/tariffs', {
      scope: 'default',
      validFrom: hour,
      activationCents: 50_000,
      operatorQuarterHourD5Cents: 900,
      operatorQuarterHourD2Cents: 1200,
      personConversationCents: 100,
      messageCents: [
        { channel: 'directline', cents: 2 },
        { channel: 'test', cents: 2 },
      ],
      tokensInPerMillionCents: 0,
      tokensOutPerMillionCents: 0,
    });
    expect(tariff.status).toBe(201);
    // This authority's exercises are not billed.
    expect(
      (await admin.post('/api/tariffs', { scope: NIS, validFrom: hour, exercisePercent: 0 })).status,
    ).toBe(201);
    await activateFromTemplate(authority, { slug: EXERCISE, template: 'flood', exercise: true, step: 0 });
    await activateFromTemplate(authority, { slug: REAL, template: 'flood', exercise: false, step: 1 });
  });

  it('refuses a real crisis, a remote URL, and a rate beyond its bound, sending nothing', async () => {
    const file = questionFile();
    const real = await drill([
      '--crisis',
      REAL,
      '--questions',
      file,
      '--url',
      bot.app.url,
      '--minutes',
      '0.1',
    ]);
    expect(real).toMatchObject({ code: 2 });
    expect(real.output).toMatch(/real-storm is a real crisis, not an exercise: refused/);
    const remote = await drill(['--crisis', EXERCISE, '--questions', file, '--url', 'http://192.0.2.1:3978']);
    expect(remote).toMatchObject({ code: 2 });
    expect(remote.output).toMatch(/not this machine/);
    const fast = await drill([
      '--crisis',
      EXERCISE,
      '--questions',
      file,
      '--url',
      bot.app.url,
      '--rate',
      '99999/h',
    ]);
    expect(fast).toMatchObject({ code: 2 });
    expect(await InteractionModel.countDocuments({ crisisSlug: { $in: [EXERCISE, REAL] } })).toBe(0);
  });

  it('plays citizens at 420/h beside a real crisis, with two operators; the reports keep them apart', async () => {
    const operators = await Promise.all(
      [1, 2].map(() =>
        signedInStaff(bot.app.url, { roles: ['operator', 'd2-agent'], languages: [...ALL_LANGUAGES] }),
      ),
    );
    let drilling = true;
    const handled = operators.map((op) => scriptedOperator(op, () => drilling));
    // A real citizen asks for a person while the drill runs.
    const realCitizen = bot.channel.conversation({ channelData: { crisis: REAL } });
    await realCitizen.say('Is het gevaarlijk om door het water te lopen of te rijden?');
    await realCitizen.say('Ik wil met iemand spreken');

    const started = Date.now();
    const run = await drill([
      '--crisis',
      EXERCISE,
      '--rate',
      '420/h',
      // A few minutes, as the acceptance asks: about twenty citizens at 420 an hour.
      '--minutes',
      '3',
      '--questions',
      questionFile(),
      '--url',
      bot.app.url,
      '--pause-seconds',
      '1',
      '--seed',
      '58',
    ]);
    const tookMs = Date.now() - started;
    console.log(run.output);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/drill over/);
    // It stops by itself: the time, and what citizens were doing when it ended (each request bounded).
    expect(tookMs).toBeLessThan(180_000 + 40_000);
    const sent = Number(/(\d+) messages sent/.exec(run.output.split('drill over')[1]!)![1]);
    expect(sent).toBeGreaterThan(0);

    // Every message the drill sent is logged, and every ticket it opened is handled.
    await until('the log of the drill', async () =>
      (await InteractionModel.countDocuments({ crisisSlug: EXERCISE, direction: 'in' })) === sent
        ? true
        : undefined,
    );
    await until('every ticket handled', async () =>
      (await TicketModel.countDocuments({ state: { $ne: 'closed' } })) === 0 ? true : undefined,
    );
    drilling = false;
    const perOperator = await Promise.all(handled);
    console.log(`tickets closed by the two operators: ${perOperator.join(' and ')}`);

    // Ending the exercise closes whatever it left open.
    const second = await authorityUser(bot.app.url, NIS);
    const ended = await second.post(`/api/crises/${EXERCISE}/deactivate`, { totp: second.code(0) });
    expect(ended.status).toBe(200);
    expect(await TicketModel.countDocuments({ crisisSlug: EXERCISE, state: { $ne: 'closed' } })).toBe(0);

    // The after-action report's figures are the log's and the tickets'.
    const report = (await authority.get<Json>(`/api/reports/exercise/${EXERCISE}`)).body;
    const log = await InteractionModel.find({ crisisSlug: EXERCISE }).lean();
    const tickets = await TicketModel.find({ crisisSlug: EXERCISE }).lean();
    const inbound = log.filter((e) => e.direction === 'in');
    const kinds = (kind: string | undefined) => inbound.filter((e) => e.kind === kind).length;
    expect(report.messages).toMatchObject({
      in: inbound.length,
      answered: kinds('answer'),
      clarified: kinds('clarify'),
      unanswered: kinds(undefined),
    });
    expect(report.unansweredQuestions).toBe(kinds('clarify') + kinds(undefined));
    expect(report.conversations).toBe(new Set(log.map((e) => e.conversationId)).size);
    const firstAnswer = log
      .filter((e) => e.direction === 'out' && e.kind === 'answer')
      .map((e) => e.at.getTime());
    expect(report.timeline.firstAnswerAt).toBe(new Date(Math.min(...firstAnswer)).toISOString());
    expect(report.tickets).toMatchObject({ opened: tickets.length, closed: tickets.length, stillOpen: 0 });
    expect(report.d2Intakes.opened).toBe(tickets.filter((t) => t.queue === 'd2' && t.reason === 'd2').length);
    const waitsCount = report.waits.reduce((sum: number, w: Json) => sum + w.count + w.unclaimed, 0);
    expect(waitsCount).toBe(tickets.length);
    const claims = report.operators.reduce((sum: number, o: Json) => sum + o.claims, 0);
    expect(claims).toBe(tickets.reduce((sum, t) => sum + t.claims.length, 0));
    expect(tickets.every((t) => t.exercise === true)).toBe(true);
    // Seed 58 sends two requests for a person and two victim inquiries among its first citizens.
    expect(report.tickets.opened).toBeGreaterThanOrEqual(2);
    expect(report.d2Intakes.opened).toBeGreaterThanOrEqual(1);
    expect(report.d2Intakes.claimed).toBe(report.d2Intakes.opened);
    const audited = (action: string) =>
      report.operators.reduce((sum: number, o: Json) => sum + (o.actions[action] ?? 0), 0);
    expect(audited('ticket.close')).toBe(tickets.filter((t) => t.queue === 'd5').length);
    expect(audited('d2.ticket.claim')).toBe(tickets.filter((t) => t.queue === 'd2').length);
    expect(audited('crisis.activate')).toBe(1);
    const csv = (await fetch(`${bot.app.url}/api/reports/exercise/${EXERCISE}/csv`, {
      headers: { authorization: `Bearer ${authority.token}` },
    }).then((r) => r.text())) as string;
    expect(csv).toContain(`messages,in,,${inbound.length},messages`);
    expect((await authority.get(`/api/reports/exercise/${REAL}`)).status).toBe(404);

    // Nothing of the drill in the real crisis's report; the authority's report shows it on its own lines.
    const real = (await authority.get<Json>(`/api/reports/activation/${REAL}`)).body;
    const realIn = await InteractionModel.countDocuments({ crisisSlug: REAL, direction: 'in' });
    expect(real.messages.in).toBe(realIn);
    expect(real.exercise).toBeUndefined();
    expect(real.costLines.some((l: Json) => l.exercise || l.detail === EXERCISE)).toBe(false);
    const from = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
    const to = new Date(Math.ceil((Date.now() + 1) / 3_600_000) * 3_600_000).toISOString();
    const period = (await authority.get<Json>(`/api/reports/authority/${NIS}?from=${from}&to=${to}`)).body;
    expect(period.messages.in).toBe(realIn);
    expect(period.exercises).toMatchObject({ activations: 1, messagesIn: inbound.length, totalCents: 0 });
    const exerciseLines = period.costLines.filter((l: Json) => l.exercise);
    expect(exerciseLines.find((l: Json) => l.item === 'activation')).toMatchObject({
      detail: EXERCISE,
      amountCents: 0,
    });
    expect(period.costLines.find((l: Json) => l.item === 'activation' && !l.exercise)).toMatchObject({
      detail: REAL,
      amountCents: 50_000,
    });

    // After EXERCISE_RETENTION_DAYS its citizen data goes, its figures stay; the real crisis keeps its own.
    const conversations = [
      ...new Set(log.filter((e) => e.channelId === 'directline').map((e) => e.conversationId)),
    ];
    const stored = async () => {
      let count = 0;
      for (const id of conversations) {
        const partition = await directLineActivities.for(id);
        count += await partition.countDocuments({ _id: { $gt: `${id}:`, $lt: `${id};` } });
      }
      return count;
    };
    expect(await stored()).toBeGreaterThan(0);
    const realTranscripts = await TicketModel.countDocuments({
      crisisSlug: REAL,
      transcript: { $exists: true },
    });
    await purgeExerciseData({
      now: new Date(Date.now() + 8 * DAY_MS),
      retentionDays: 7,
      logger: pino({ level: 'silent' }),
    });
    expect(await stored()).toBe(0);
    expect(
      await TicketModel.countDocuments({
        crisisSlug: EXERCISE,
        $or: [
          { intake: { $exists: true } },
          { transcript: { $exists: true } },
          { callbackPhone: { $exists: true } },
        ],
      }),
    ).toBe(0);
    expect(await TicketModel.countDocuments({ crisisSlug: REAL, transcript: { $exists: true } })).toBe(
      realTranscripts,
    );
    expect((await authority.get<Json>(`/api/reports/exercise/${EXERCISE}`)).body).toEqual(report);
  }, 420_000);
});
