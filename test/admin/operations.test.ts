import restify from 'restify';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { AuditLogModel, CrisisModel, InteractionModel, TicketModel } from '../../models';
import type { OperationsFigures } from '../../admin';
import { Metrics, registerMetricsRoute } from '../../bot/metrics';
import { adminEnv, ApiClient, openEvents, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { waitFor } from '../helpers/db';
import { activateFromTemplate, drillingAuthority } from '../helpers/exercise';

const CRISIS = 'demo-chemical-fire';
const METRICS_TOKEN = 'metrics-token-for-the-tests-0123456789';

interface Payload {
  crises: string[];
  exercises: string[];
  figures: OperationsFigures;
}

/** Nearest-rank quantile, as a supervisor would count it from a list of waits. */
const nearestRank = (sorted: number[], q: number) => sorted[Math.ceil(q * sorted.length) - 1];

/** The figures as the interaction log and the tickets say them, counted here without the view's code. */
async function fromLogAndTickets(slug: string) {
  const now = Date.now();
  const entries = await InteractionModel.find({ crisisSlug: slug, direction: 'in' }).lean();
  const lastHour = entries.filter((e) => e.at.getTime() > now - 3_600_000);
  const count = (test: (e: (typeof entries)[number]) => boolean) => lastHour.filter(test).length;
  const replies = {
    answered: count((e) => e.kind === 'answer'),
    clarified: count((e) => e.kind === 'clarify' && (e.options ?? 0) > 0),
    unanswered: count((e) => e.kind === 'clarify' && !(e.options ?? 0)),
    handedOver: count((e) => e.kind === 'handoff' || e.kind === 'd2'),
  };
  const tickets = await TicketModel.find({ crisisSlug: slug }).lean();
  const d5en = tickets.filter((t) => t.queue === 'd5' && t.lang === 'en');
  const waits = d5en
    .filter((t) => t.claims.length > 0)
    .map((t) => Math.round((t.claims[0]!.from!.getTime() - t.createdAt.getTime()) / 1000))
    .sort((a, b) => a - b);
  return {
    entries: entries.length,
    figures: {
      conversations: {
        now: new Set(entries.filter((e) => e.at.getTime() > now - 300_000).map((e) => e.conversationId)).size,
        lastHour: new Set(lastHour.map((e) => e.conversationId)).size,
      },
      messagesPerMinute: entries.filter((e) => e.at.getTime() > now - 300_000).length / 5,
      replies: { total: Object.values(replies).reduce((a, b) => a + b, 0), ...replies },
      d5en: {
        waiting: d5en.filter((t) => t.state === 'waiting').length,
        taken: waits.length,
        medianWaitSeconds: waits.length ? nearestRank(waits, 0.5) : null,
        p90WaitSeconds: waits.length ? nearestRank(waits, 0.9) : null,
        arrivals: d5en.length,
      },
      d2Open: tickets.filter((t) => t.queue === 'd2' && t.state !== 'closed').length,
    },
  };
}

function shown(figures: OperationsFigures) {
  const row = figures.queues.find((q) => q.queue === 'd5' && q.lang === 'en')!;
  return {
    conversations: figures.conversations,
    messagesPerMinute: figures.messagesPerMinute,
    replies: figures.replies,
    d5en: {
      waiting: row.waiting,
      taken: row.taken,
      medianWaitSeconds: row.medianWaitSeconds,
      p90WaitSeconds: row.p90WaitSeconds,
      arrivals: row.arrivals,
    },
    d2Open: figures.d2.open,
  };
}

/** One sample of a Prometheus exposition, by name and labels; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('the operations view and /metrics during a scripted crisis', () => {
  const bot = useTestBot({ ...adminEnv, METRICS_TOKEN, HANDOFF_SWEEP_MS: '200' });

  it('shows what the interaction log and the tickets say, and refreshes within 2 s of a change', async () => {
    const supervisor = await signedInStaff(bot.app.url, {
      roles: ['supervisor'],
      languages: ['en'],
      available: false,
    });
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });

    const said: string[][] = [
      ['Where is the reception centre?'],
      ['xylophone quasar marmalade'],
      // An everyday question no entry answers: the bot offers the entries (clarified).
      ['is the town hall open on saturday for a new id card'],
      ['I want to talk to a person'],
      ['I want to talk to a person'],
    ];
    for (const messages of said) {
      const citizen = bot.channel.conversation();
      for (const text of messages) await citizen.say(text);
    }
    const claimed = await operator.post<{ id: string }>('/api/tickets/claim-next');
    expect(claimed.status).toBe(200);
    expect(
      (await operator.post(`/api/tickets/${claimed.body.id}/close`, { outcome: 'resolved' })).status,
    ).toBe(200);

    // Every message is in the log (it is written in batches off the reply path).
    await waitFor(
      async () => (await fromLogAndTickets(CRISIS)).entries === said.flat().length,
      'the log written',
    );
    let last: unknown;
    await waitFor(async () => {
      const res = await supervisor.get<Payload>(`/api/operations?crisis=${CRISIS}`);
      expect(res.status).toBe(200);
      const expected = (await fromLogAndTickets(CRISIS)).figures;
      last = { view: shown(res.body.figures), expected };
      return JSON.stringify(shown(res.body.figures)) === JSON.stringify(expected);
    }, 'the view to equal the log and the tickets').catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(last)}`);
    });

    const { figures } = (await supervisor.get<Payload>(`/api/operations?crisis=${CRISIS}`)).body;
    expect(figures.replies.answered).toBeGreaterThanOrEqual(1);
    // Neither the nonsense nor the everyday question is answered: options, or nothing found.
    expect(figures.replies.clarified + figures.replies.unanswered).toBe(2);
    expect(figures.replies.handedOver).toBe(2);
    const row = figures.queues.find((q) => q.queue === 'd5' && q.lang === 'en')!;
    expect(row).toMatchObject({ waiting: 1, taken: 1, operatorsOnline: 1, operatorsBusy: 0, handled: 1 });
    // The advice shows its inputs: two tickets in the 15-minute window are 8 an hour.
    expect(row.staffing).toMatchObject({ arrivalsPerHour: 8, operatorsOnline: 1 });
    expect(row.staffing.operatorsNeeded).toBeGreaterThanOrEqual(1);

    // Live: a citizen asks for a person, and the stream shows the queue grow within 2 s.
    const stream = await openEvents(supervisor, `/api/operations/events?crisis=${CRISIS}`);
    try {
      const waitingIn = (e: { data: Record<string, unknown> }) =>
        (e.data as unknown as Payload).figures.queues.find((q) => q.queue === 'd5' && q.lang === 'en')!
          .waiting;
      await stream.waitFor((e) => e.event === 'figures' && waitingIn(e) === 1, 'the first figures');
      await bot.channel.conversation().say('I want to talk to a person');
      const changedAt = Date.now();
      await stream.waitFor((e) => e.event === 'figures' && waitingIn(e) === 2, 'the grown queue', 10_000);
      const refreshMs = Date.now() - changedAt;
      console.log(`operations view refreshed ${refreshMs} ms after a ticket opened`);
      expect(refreshMs).toBeLessThan(2000);
    } finally {
      stream.close();
    }
  }, 120_000);

  it('gives /metrics to the token only, with the queue growing and the turn latency histogram filling', async () => {
    const scrape = (token?: string) =>
      fetch(`${bot.app.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect((await scrape()).status).toBe(401);
    expect((await scrape('not-the-metrics-token-at-all')).status).toBe(401);
    const session = await signedInStaff(bot.app.url, {
      roles: ['supervisor'],
      languages: ['en'],
      available: false,
    });
    expect((await scrape(session.token)).status).toBe(401);

    const read = async () => {
      const res = await scrape(METRICS_TOKEN);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    const labels = { crisis: CRISIS, queue: 'd5', lang: 'en' };
    const before = await read();
    const waitingBefore = sample(before, 'ccb_queue_waiting', labels) ?? 0;
    const turnsBefore = sample(before, 'ccb_turn_duration_seconds_count') ?? 0;

    await bot.channel.conversation().say('I want to talk to a person');
    await bot.channel.conversation().say('I want to talk to a person');

    let after = '';
    await waitFor(async () => {
      after = await read();
      return (sample(after, 'ccb_queue_waiting', labels) ?? 0) === waitingBefore + 2;
    }, 'the queue to grow by two on /metrics');
    expect(sample(after, 'ccb_turn_duration_seconds_count')).toBeGreaterThanOrEqual(turnsBefore + 2);
    expect(sample(after, 'ccb_turn_duration_seconds_bucket', { le: '+Inf' })).toBe(
      sample(after, 'ccb_turn_duration_seconds_count'),
    );
    expect(
      sample(after, 'ccb_database_command_duration_seconds_count', { command: 'find', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(
      sample(after, 'ccb_model_request_duration_seconds_count', { model: 'embeddings', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    expect(sample(after, 'ccb_interaction_log_pending')).toBeGreaterThanOrEqual(0);
    expect(sample(after, 'ccb_operators_online', { queue: 'd5', lang: 'en' })).toBeDefined();
    expect(sample(after, 'ccb_operators_needed', { queue: 'd5', lang: 'en' })).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('adds a crisis activated while a stream of all crises is open', async () => {
    const supervisor = await signedInStaff(bot.app.url, {
      roles: ['supervisor'],
      languages: ['en'],
      available: false,
    });
    const stream = await openEvents(supervisor, '/api/operations/events?crisis=all');
    const crisesIn = (e: { data: Record<string, unknown> }) => (e.data as unknown as Payload).crises;
    try {
      await stream.waitFor((e) => e.event === 'figures' && crisesIn(e).includes(CRISIS), 'the first figures');
      // Written as an activation leaves it: the stream reads the active crises with its figures.
      await CrisisModel.collection.insertOne({
        slug: 'later-flood',
        status: 'active',
        languages: ['nl'],
        liveVersion: 1,
        activatedAt: new Date(),
      });
      const event = await stream.waitFor(
        (e) => e.event === 'figures' && crisesIn(e).includes('later-flood'),
        'the new crisis on the open stream',
      );
      expect((event.data as unknown as Payload).figures.crises).toEqual([CRISIS, 'later-flood']);
    } finally {
      stream.close();
      await CrisisModel.deleteOne({ slug: 'later-flood' });
    }
  }, 60_000);

  it('refuses operators and communicators (403), keeps authority users to their own crises (404), and audits each refusal', async () => {
    const operator = await signedInStaff(bot.app.url, {
      roles: ['operator'],
      languages: ['en'],
      available: false,
    });
    const communicator = await signedInStaff(bot.app.url, {
      roles: ['communicator'],
      languages: ['en'],
      authorityNis: '99001',
    });
    for (const client of [operator, communicator]) {
      expect((await client.get('/api/operations')).status).toBe(403);
      const stream = await fetch(`${bot.app.url}/api/operations/events?crisis=${CRISIS}`, {
        headers: { authorization: `Bearer ${client.token}` },
      });
      expect(stream.status).toBe(403);
      const refusals = await AuditLogModel.find({ actor: client.userId, outcome: 'refused' }).lean();
      expect(refusals.map((r) => [r.action, r.target, (r.details as { reason: string }).reason])).toEqual(
        expect.arrayContaining([
          ['operations.view', 'operations:all', 'role'],
          ['operations.stream', `operations:${CRISIS}`, 'role'],
        ]),
      );
    }
    expect((await new ApiClient(bot.app.url).get('/api/operations')).status).toBe(401);

    const own = await signedInStaff(bot.app.url, {
      roles: ['authority'],
      languages: ['fr'],
      authorityNis: '99001',
    });
    const ownView = await own.get<Payload>(`/api/operations?crisis=${CRISIS}`);
    expect(ownView.status).toBe(200);
    expect(ownView.body.crises).toEqual([CRISIS]);

    const other = await signedInStaff(bot.app.url, {
      roles: ['authority'],
      languages: ['fr'],
      authorityNis: '99002',
    });
    expect((await other.get(`/api/operations?crisis=${CRISIS}`)).status).toBe(404);
    const together = await other.get<Payload>('/api/operations?crisis=all');
    expect(together.status).toBe(200);
    expect(together.body.crises).toEqual([]);
    expect(together.body.figures.conversations.lastHour).toBe(0);
    expect(together.body.figures.queues.every((q) => q.waiting === 0)).toBe(true);
    const refused = await AuditLogModel.find({ actor: other.userId, outcome: 'refused' }).lean();
    expect(refused.map((r) => [r.action, r.target])).toEqual([['operations.view', `operations:${CRISIS}`]]);

    expect((await own.get('/api/operations?crisis=Not A Slug')).status).toBe(400);
  }, 60_000);
  it('shows an exercise on its own, marked, and never in "all crises together" nor its advice', async () => {
    const authority = await drillingAuthority(bot.app.url, '21905');
    await activateFromTemplate(authority, { slug: 'ops-drill', template: 'flood', exercise: true, step: 0 });
    // A German-speaking operator online, so the drill's request for a person waits in D5 German.
    await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['de'] });
    const supervisor = await signedInStaff(bot.app.url, {
      roles: ['supervisor'],
      languages: ['en'],
      available: false,
    });
    const citizen = bot.channel.conversation({ channelData: { crisis: 'ops-drill' }, locale: 'de' });
    await citizen.say('Ich möchte mit einem Menschen sprechen');
    expect(await TicketModel.countDocuments({ crisisSlug: 'ops-drill', queue: 'd5', lang: 'de' })).toBe(1);

    const d5de = (p: Payload) => p.figures.queues.find((q) => q.queue === 'd5' && q.lang === 'de');
    let drill: Payload | undefined;
    await waitFor(async () => {
      drill = (await supervisor.get<Payload>('/api/operations?crisis=ops-drill')).body;
      return d5de(drill)?.waiting === 1;
    }, "the exercise's ticket in its own figures");
    expect(drill!.figures).toMatchObject({ crises: ['ops-drill'], exercise: true });
    expect(drill!.exercises).toEqual(['ops-drill']);

    const all = await supervisor.get<Payload>('/api/operations?crisis=all');
    expect(all.body.crises).toContain('ops-drill');
    expect(all.body.exercises).toEqual(['ops-drill']);
    expect(all.body.figures.crises).not.toContain('ops-drill');
    expect(all.body.figures.exercise).toBe(false);
    const real = (await supervisor.get<Payload>(`/api/operations?crisis=${CRISIS}`)).body.figures;
    expect(real.exercise).toBe(false);
    // The real crises' figures alone: the drill's waiting ticket and its arrival are not in them.
    expect(d5de(all.body)?.waiting ?? 0).toBe(
      real.queues.find((q) => q.queue === 'd5' && q.lang === 'de')!.waiting,
    );
    expect(d5de(all.body)?.staffing.arrivalsPerHour ?? 0).toBe(0);
    expect(all.body.figures.conversations.lastHour).toBe(real.conversations.lastHour);

    const metrics = await (
      await fetch(`${bot.app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(sample(metrics, 'ccb_crisis_exercise', { crisis: 'ops-drill' })).toBe(1);
    expect(sample(metrics, 'ccb_crisis_exercise', { crisis: CRISIS })).toBe(0);
    expect(sample(metrics, 'ccb_queue_waiting', { crisis: 'ops-drill', queue: 'd5', lang: 'de' })).toBe(1);
    // The advice is of the real crises: the drill's ticket is no arrival there.
    expect(sample(metrics, 'ccb_operators_needed', { queue: 'd5', lang: 'de' })).toBe(
      d5de(all.body)?.staffing.operatorsNeeded,
    );
  }, 90_000);
});

describe('/metrics without a configured token', () => {
  it('does not exist (404)', async () => {
    const server = restify.createServer();
    const metrics = new Metrics({} as never, () => 0);
    registerMetricsRoute(server, metrics, undefined, pino({ level: 'silent' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(res.status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
