import pino from 'pino';
import {
  countedUsage,
  InteractionLog,
  purgeOldInteractions,
  usageFromLog,
  type Report,
} from '../../accounting';
import { CrisisModel, TicketModel } from '../../models';
import { ADMIN, adminEnv, ApiClient, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';

/**
 * Cost reports against a log with known totals. The river-flood activation of authority 99002
 * runs from 21:40 on 9 March to 02:10 on 10 March (UTC): a conversation spans midnight, the
 * default tariff changes at midnight, and a second activation is still open. Every figure and
 * cost line below is worked out by hand from the entries and tickets written here.
 */
const NIS = '99002';
const OTHER_NIS = '99003';
const SLUG = 'river-flood';
const OPEN_SLUG = 'open-crisis';
const at = (time: string) => new Date(`2026-03-${time}Z`);

interface Entry {
  conv: string;
  time: string;
  direction: 'in' | 'out';
  channel: string;
  lang: string;
  kind?: string;
  tokensIn?: number;
  tokensOut?: number;
}
const ENTRIES: Entry[] = [
  // A: webchat, French, across midnight: answered, a clarification, answered again.
  { conv: 'A', time: '09T21:50:00', direction: 'in', channel: 'webchat', lang: 'fr', kind: 'answer' },
  { conv: 'A', time: '09T21:50:01', direction: 'out', channel: 'webchat', lang: 'fr', kind: 'answer' },
  { conv: 'A', time: '09T23:59:30', direction: 'in', channel: 'webchat', lang: 'fr', kind: 'clarify' },
  { conv: 'A', time: '09T23:59:31', direction: 'out', channel: 'webchat', lang: 'fr', kind: 'clarify' },
  { conv: 'A', time: '10T00:00:30', direction: 'in', channel: 'webchat', lang: 'fr', kind: 'answer' },
  { conv: 'A', time: '10T00:00:31', direction: 'out', channel: 'webchat', lang: 'fr', kind: 'answer' },
  // B: WhatsApp, Dutch, asks for a person (a model was used on the first message), an operator answers.
  {
    conv: 'B',
    time: '09T22:10:00',
    direction: 'in',
    channel: 'whatsapp',
    lang: 'nl',
    kind: 'handoff',
    tokensIn: 1200,
    tokensOut: 300,
  },
  { conv: 'B', time: '09T22:10:01', direction: 'out', channel: 'whatsapp', lang: 'nl', kind: 'handoff' },
  { conv: 'B', time: '09T22:20:00', direction: 'in', channel: 'whatsapp', lang: 'nl' },
  { conv: 'B', time: '09T22:21:00', direction: 'out', channel: 'whatsapp', lang: 'nl', kind: 'operator' },
  { conv: 'B', time: '09T22:30:00', direction: 'out', channel: 'whatsapp', lang: 'nl', kind: 'operator' },
  // E: webchat, French, asks for a person after midnight.
  { conv: 'E', time: '10T01:00:00', direction: 'in', channel: 'webchat', lang: 'fr', kind: 'handoff' },
  { conv: 'E', time: '10T01:00:01', direction: 'out', channel: 'webchat', lang: 'fr', kind: 'handoff' },
  // C: SMS, German, a victim inquiry.
  { conv: 'C', time: '10T01:05:00', direction: 'in', channel: 'sms', lang: 'de', kind: 'd2' },
  { conv: 'C', time: '10T01:05:01', direction: 'out', channel: 'sms', lang: 'de', kind: 'd2' },
  { conv: 'C', time: '10T01:06:00', direction: 'in', channel: 'sms', lang: 'de', kind: 'd2' },
  { conv: 'C', time: '10T01:06:01', direction: 'out', channel: 'sms', lang: 'de', kind: 'd2' },
];

interface TicketSpec {
  conv: string;
  queue: 'd5' | 'd2';
  created: string;
  claims: Array<{ by: string; from: string; to?: string }>;
}
const TICKETS: TicketSpec[] = [
  // Waits 5 min; handled 25 min = 2 quarter hours at the old D5 price.
  {
    conv: 'B',
    queue: 'd5',
    created: '09T22:10:00',
    claims: [{ by: 'op1', from: '09T22:15:00', to: '09T22:40:00' }],
  },
  // Waits 11 min; handled 14 min = 1 quarter hour at the new D5 price.
  {
    conv: 'E',
    queue: 'd5',
    created: '10T01:00:00',
    claims: [{ by: 'op1', from: '10T01:11:00', to: '10T01:25:00' }],
  },
  // Waits 4 min; a claim lapsed after 2 min, then 30 min: 32 min = 3 quarter hours of D2.
  {
    conv: 'C',
    queue: 'd2',
    created: '10T01:06:00',
    claims: [
      { by: 'op2', from: '10T01:10:00', to: '10T01:12:00' },
      { by: 'op3', from: '10T01:20:00', to: '10T01:50:00' },
    ],
  },
];

const DEFAULT_TARIFF = {
  scope: 'default',
  validFrom: '2026-01-01T00:00:00Z',
  activationCents: 5000,
  operatorQuarterHourD5Cents: 1000,
  operatorQuarterHourD2Cents: 1500,
  personConversationCents: 300,
  messageCents: [
    { channel: 'whatsapp', cents: 5 },
    { channel: 'sms', cents: 8 },
  ],
  tokensInPerMillionCents: 25_000,
  tokensOutPerMillionCents: 100_000,
};
const TARIFFS = [
  DEFAULT_TARIFF,
  { scope: NIS, validFrom: '2026-01-01T00:00:00Z', activationCents: 4000 },
  // From midnight on: D5 time and SMS dearer (a default version sets every price again).
  {
    ...DEFAULT_TARIFF,
    validFrom: '2026-03-10T00:00:00+00:00',
    operatorQuarterHourD5Cents: 1200,
    messageCents: [
      { channel: 'whatsapp', cents: 5 },
      { channel: 'sms', cents: 10 },
    ],
  },
];
const OLD = 'default:v1 + 99002:v1';
const NEW = 'default:v2 + 99002:v1';

async function writeTicket(slug: string, spec: TicketSpec): Promise<void> {
  const claims = spec.claims.map((c) => ({ by: c.by, from: at(c.from), ...(c.to ? { to: at(c.to) } : {}) }));
  const open = claims.some((c) => !c.to);
  await TicketModel.collection.insertOne({
    queue: spec.queue,
    state: open ? 'assigned' : 'closed',
    reason: spec.queue === 'd2' ? 'd2' : 'person-request',
    version: claims.length * 2,
    priority: 1,
    crisisSlug: slug,
    conversationId: spec.conv,
    channelId: 'test',
    lang: 'fr',
    consent: true,
    claims,
    createdAt: at(spec.created),
    updatedAt: at(spec.created),
  });
}

describe('cost reports', () => {
  const bot = useTestBot(adminEnv);
  let admin: ApiClient;
  let log: InteractionLog;
  let openStart: Date;

  beforeAll(async () => {
    admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    for (const nis of [NIS, OTHER_NIS]) {
      const created = await admin.post('/api/authorities', {
        nisCode: nis,
        name: `Authority ${nis}`,
        languages: ['fr', 'nl'],
      });
      expect(created.status).toBe(201);
    }
    await CrisisModel.create([
      {
        slug: SLUG,
        status: 'inactive',
        authorityNis: NIS,
        languages: ['fr', 'nl', 'de', 'en'],
        liveVersion: 1,
        activatedAt: at('09T21:40:00'),
        deactivatedAt: at('10T02:10:00'),
      },
      {
        slug: OPEN_SLUG,
        status: 'active',
        authorityNis: NIS,
        languages: ['fr'],
        liveVersion: 1,
        activatedAt: new Date(Date.now() - 90 * 60_000),
      },
    ]);
    for (const tariff of TARIFFS) {
      const res = await admin.post('/api/tariffs', tariff);
      expect(res.status).toBe(201);
    }
    // A second writer beside the bot's own log: the hour's counts of both processes add up.
    log = new InteractionLog({ logger: pino({ level: 'silent' }) });
    for (const e of ENTRIES) {
      log.record({
        crisisSlug: SLUG,
        conversationId: e.conv,
        channelId: e.channel,
        lang: e.lang,
        direction: e.direction,
        ...(e.kind ? { kind: e.kind } : {}),
        ...(e.tokensIn ? { tokensIn: e.tokensIn, tokensOut: e.tokensOut } : {}),
        at: at(e.time),
      });
    }
    openStart = new Date(Date.now() - 20 * 60_000);
    for (const minutesAgo of [80, 10]) {
      log.record({
        crisisSlug: OPEN_SLUG,
        conversationId: 'O',
        channelId: 'webchat',
        lang: 'fr',
        direction: 'in',
        kind: 'handoff',
        at: new Date(Date.now() - minutesAgo * 60_000),
      });
    }
    await log.flush();
    for (const ticket of TICKETS) await writeTicket(SLUG, ticket);
    // Still with an operator: handling runs until the report is made.
    await TicketModel.collection.insertOne({
      queue: 'd5',
      state: 'assigned',
      reason: 'person-request',
      version: 2,
      priority: 1,
      crisisSlug: OPEN_SLUG,
      conversationId: 'O',
      channelId: 'webchat',
      lang: 'fr',
      consent: false,
      claims: [{ by: 'op9', from: openStart }],
      createdAt: new Date(Date.now() - 25 * 60_000),
      updatedAt: openStart,
    });
  });

  afterAll(async () => {
    await log.close();
  });

  const activationReport = async (client = admin) => client.get<Report>(`/api/reports/activation/${SLUG}`);

  it('gives every figure of an activation across midnight exactly', async () => {
    const { status, body: report } = await activationReport();
    expect(status).toBe(200);
    expect(report.period).toEqual({
      from: '2026-03-09T21:00:00.000Z',
      to: '2026-03-10T03:00:00.000Z',
      open: false,
    });
    expect(report.conversations).toEqual({
      started: 4,
      botOnly: 1,
      handedToD5: 2,
      handedToD2: 1,
      handledByPeople: 3,
    });
    expect(report.messages).toEqual({
      in: 8,
      out: 9,
      answeredByBot: 2,
      handedToPeople: 5,
      unanswered: 1,
      fromOperators: 2,
      byChannel: [
        { key: 'sms', in: 2, out: 2 },
        { key: 'webchat', in: 4, out: 4 },
        { key: 'whatsapp', in: 2, out: 3 },
      ],
      byLanguage: [
        { key: 'de', in: 2, out: 2 },
        { key: 'fr', in: 4, out: 4 },
        { key: 'nl', in: 2, out: 3 },
      ],
    });
    expect(report.operators).toEqual({
      handledTickets: 3,
      handlingMinutes: 71,
      quarterHoursD5: 3,
      quarterHoursD2: 3,
      peakAtOnce: 2,
    });
    expect(report.waiting).toMatchObject({ claimed: 3, unclaimed: 0, p50Seconds: 300, p95Seconds: 660 });
    expect(report.waiting.histogram.map((b) => b.count)).toEqual([0, 1, 2, 0, 0]);
    expect(report.tokens).toEqual({ in: 1200, out: 300 });
    expect(
      report.hourly.map((h) => [h.hourStart.slice(11, 13), h.in, h.out, h.bot, h.people, h.unanswered]),
    ).toEqual([
      ['21', 1, 1, 1, 0, 0],
      ['22', 2, 3, 0, 2, 0],
      ['23', 1, 1, 0, 0, 1],
      ['00', 1, 1, 1, 0, 0],
      ['01', 3, 3, 0, 3, 0],
      ['02', 0, 0, 0, 0, 0],
    ]);
    expect(report.warnings).toEqual([]);
  });

  it('prices each thing at the tariff in force when it happened, the authority override laid over the default', async () => {
    const { body: report } = await activationReport();
    const line = (item: string, tariff: string, detail?: string) =>
      report.costLines.find((l) => l.item === item && l.tariff === tariff && l.detail === detail);
    expect(report.costLines).toHaveLength(10);
    expect(line('activation', OLD, SLUG)).toMatchObject({ quantity: 1, unitCents: 4000, amountCents: 4000 });
    expect(line('messages', OLD, 'whatsapp')).toMatchObject({ quantity: 5, unitCents: 5, amountCents: 25 });
    expect(line('messages', NEW, 'sms')).toMatchObject({ quantity: 4, unitCents: 10, amountCents: 40 });
    expect(line('tokens-in', OLD)).toMatchObject({ quantity: 1200, unitCents: 25_000, amountCents: 30 });
    expect(line('tokens-out', OLD)).toMatchObject({ quantity: 300, unitCents: 100_000, amountCents: 30 });
    expect(line('operator-time-d5', OLD)).toMatchObject({ quantity: 2, unitCents: 1000, amountCents: 2000 });
    expect(line('operator-time-d5', NEW)).toMatchObject({ quantity: 1, unitCents: 1200, amountCents: 1200 });
    expect(line('operator-time-d2', NEW)).toMatchObject({ quantity: 3, unitCents: 1500, amountCents: 4500 });
    expect(line('person-conversation', OLD)).toMatchObject({ quantity: 1, unitCents: 300, amountCents: 300 });
    expect(line('person-conversation', NEW)).toMatchObject({ quantity: 2, unitCents: 300, amountCents: 600 });
    expect(report.totalCents).toBe(12_725);
  });

  it('splits a period at midnight without losing or counting anything twice', async () => {
    const day = (from: string, to: string) =>
      admin.get<Report>(
        `/api/reports/authority/${NIS}?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      );
    const first = (await day('2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z')).body;
    const second = (await day('2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z')).body;
    expect(first.conversations).toEqual({
      started: 2,
      botOnly: 1,
      handedToD5: 1,
      handedToD2: 0,
      handledByPeople: 1,
    });
    expect(second.conversations).toEqual({
      started: 2,
      botOnly: 0,
      handedToD5: 1,
      handedToD2: 1,
      handledByPeople: 2,
    });
    expect([first.messages.in, first.messages.out, second.messages.in, second.messages.out]).toEqual([
      4, 5, 4, 4,
    ]);
    expect(second.waiting).toMatchObject({ claimed: 2, p50Seconds: 240, p95Seconds: 660 });
    expect(first.totalCents).toBe(6385);
    expect(second.totalCents).toBe(6340);
    expect(first.totalCents + second.totalCents).toBe(12_725);
  });

  it('reports an activation still open up to now, with a claim still running', async () => {
    const { body: report } = await admin.get<Report>(`/api/reports/activation/${OPEN_SLUG}`);
    expect(report.period.open).toBe(true);
    expect(new Date(report.period.to).getTime()).toBeGreaterThan(Date.now());
    expect(report.messages.in).toBe(2);
    expect(report.conversations).toMatchObject({ started: 1, handedToD5: 1, handledByPeople: 1 });
    expect(report.operators).toMatchObject({
      handledTickets: 1,
      handlingMinutes: 20,
      quarterHoursD5: 2,
      peakAtOnce: 1,
    });
    expect(report.waiting).toMatchObject({ claimed: 1, p50Seconds: 300 });
    // Activated under the newest default tariff, with the authority's own activation price.
    expect(report.costLines.find((l) => l.item === 'activation')).toMatchObject({
      unitCents: 4000,
      tariff: NEW,
    });
  });

  it('gives the same figures for the same period every time, and the counters agree with the log itself', async () => {
    const [a, b] = await Promise.all([activationReport(), activationReport()]);
    expect(a.body).toEqual(b.body);
    const period = { from: new Date(a.body.period.from), to: new Date(a.body.period.to) };
    expect(await usageFromLog([SLUG], period)).toEqual(await countedUsage([SLUG], period));
  });

  it('exports the report as CSV', async () => {
    const res = await fetch(`${bot.app.url}/api/reports/activation/${SLUG}/csv`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toBe('section,name,detail,value,unit,unit_price_eur,amount_eur,tariff');
    expect(lines).toContain(`cost,operator-time-d2,,3,started quarter hour,15.00,45.00,${NEW}`);
    expect(lines).toContain('cost,total,,,,,127.25,');
    expect(lines).toContain('figure,conversations.started,,4,conversations,,,');
  });

  it('keeps an issued report as it was when a tariff changes afterwards', async () => {
    const issued = await admin.post<{ id: string; report: Report }>('/api/reports/issued', {
      scope: 'activation',
      slug: SLUG,
    });
    expect(issued.status).toBe(201);
    expect(issued.body.report.totalCents).toBe(12_725);
    const dearer = await admin.post('/api/tariffs', {
      scope: NIS,
      validFrom: '2026-03-01T00:00:00Z',
      activationCents: 9000,
    });
    expect(dearer.status).toBe(201);
    expect((await activationReport()).body.totalCents).toBe(12_725 + 5000);
    const kept = await admin.get<{ report: Report }>(`/api/reports/issued/${issued.body.id}`);
    expect(kept.body.report.totalCents).toBe(12_725);
    const list = await admin.get<{ reports: Array<{ id: string; totalCents: number }> }>(
      '/api/reports/issued',
    );
    expect(list.body.reports).toContainEqual(
      expect.objectContaining({ id: issued.body.id, totalCents: 12_725 }),
    );
  });

  it("shows an authority's users their own reports only", async () => {
    const own = await signedInStaff(bot.app.url, {
      roles: ['authority'],
      languages: ['fr'],
      authorityNis: NIS,
    });
    const other = await signedInStaff(bot.app.url, {
      roles: ['authority'],
      languages: ['fr'],
      authorityNis: OTHER_NIS,
    });
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['fr'] });
    expect((await activationReport(own)).status).toBe(200);
    expect((await activationReport(other)).status).toBe(404);
    expect(
      (await other.get(`/api/reports/authority/${NIS}?from=2026-03-09T00:00:00Z&to=2026-03-10T00:00:00Z`))
        .status,
    ).toBe(404);
    expect((await other.post('/api/reports/issued', { scope: 'activation', slug: SLUG })).status).toBe(404);
    expect((await other.get<{ reports: unknown[] }>('/api/reports/issued')).body.reports).toEqual([]);
    expect((await activationReport(operator)).status).toBe(403);
    expect((await own.get('/api/tariffs')).status).toBe(403);
    expect((await new ApiClient(bot.app.url).get(`/api/reports/activation/${SLUG}`)).status).toBe(401);
  });

  it('refuses invalid tariffs and periods, naming every problem, and stores nothing', async () => {
    const before = (await admin.get<{ tariffs: unknown[] }>('/api/tariffs')).body.tariffs.length;
    const bad = await admin.post<{ details: string[] }>('/api/tariffs', {
      scope: 'default',
      validFrom: '2026-04-01T10:30:00Z',
      activationCents: -1,
      messageCents: [
        { channel: 'sms', cents: 1 },
        { channel: 'sms', cents: 2 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.join('\n')).toMatch(/validFrom: must be on a whole hour/);
    expect(bad.body.details.join('\n')).toMatch(/activationCents/);
    expect(bad.body.details.join('\n')).toMatch(/a channel is priced twice/);
    expect(bad.body.details.join('\n')).toMatch(
      /operatorQuarterHourD5Cents: the default tariff sets every price/,
    );
    expect((await admin.get<{ tariffs: unknown[] }>('/api/tariffs')).body.tariffs).toHaveLength(before);
    const period = await admin.get<{ details: string[] }>(
      `/api/reports/authority/${NIS}?from=2026-03-10T00:30:00Z&to=2026-03-09T00:00:00Z`,
    );
    expect(period.status).toBe(400);
    expect(period.body.details.join('\n')).toMatch(
      /from: must be on a whole hour[\s\S]*to: must be after from/,
    );
  });

  it('keeps report figures when old log entries are removed by retention', async () => {
    const before = (await activationReport()).body;
    const removed = await purgeOldInteractions({ now: new Date('2027-12-01T00:00:00Z'), retentionDays: 400 });
    expect(removed).toBe(ENTRIES.length);
    expect((await activationReport()).body).toEqual(before);
  });
});
