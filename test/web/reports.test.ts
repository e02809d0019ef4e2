import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, adminEnv, ApiClient, signedInStaff } from '../helpers/api';
import { openLaptopPage, signInOnPage, closeBrowsersAndBot } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';
import { waitFor } from '../helpers/db';
import { crisisReplyOf } from '../helpers/testChannel';

const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const CRISIS = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'content', 'demo-chemical-fire.json'), 'utf8')) as {
    crisis: { slug: string };
  }
).crisis.slug;
const OTHER_AUTHORITY = { nisCode: '21009', name: 'Gemeente Elders', languages: ['nl'] };
const OTHER_USER = {
  username: 'elke',
  password: 'elke-authority-password',
  displayName: 'Elke',
  roles: ['authority'],
  languages: ['nl'],
  authorityNis: OTHER_AUTHORITY.nisCode,
};
const CSV_HEADER = 'section,name,detail,value,unit,unit_price_eur,amount_eur,tariff';
const CHARTS = ['volume', 'share', 'languages', 'waiting'] as const;
/** Bounded waits: long enough for a loaded machine, short enough to fail inside the test's timeout. */
const WAIT = { timeout: 15_000 };
const HOUR_MS = 3_600_000;
const TIME_ZONE = 'Europe/Brussels';
const DEMO_AUTHORITY = '99001';

/** Day of the month, hour and minute of an instant on the clocks of TIME_ZONE. */
function brusselsClock(iso: string): { day: string; hour: string; minute: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: part('day'), hour: part('hour'), minute: part('minute') };
}

interface Report {
  period: { from: string; to: string; open: boolean };
  messages: { in: number; out: number; byLanguage: { key: string; in: number; out: number }[] };
  waiting: { claimed: number };
  operators: { handledTickets: number };
  costLines: { item: string; amountCents: number }[];
  totalCents: number;
  warnings: string[];
}

/** What Chart.js holds for a canvas, and how many of its pixels carry the first data set's colour. */
async function chartState(page: Page, name: string) {
  return page.evaluate((chartName) => {
    const canvas = document.getElementById(`chart-${chartName}`) as HTMLCanvasElement;
    const chart = (
      window as unknown as {
        Chart: {
          getChart(c: HTMLCanvasElement):
            | {
                data: { labels: string[]; datasets: { data: number[]; backgroundColor: string }[] };
                width: number;
              }
            | undefined;
        };
      }
    ).Chart.getChart(canvas);
    if (!chart) return undefined;
    const color = chart.data.datasets[0]!.backgroundColor;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b && pixels[i + 3] === 255)
        painted += 1;
    }
    const table = document.getElementById(`chart-${chartName}-data`) as HTMLTableElement;
    return {
      labels: chart.data.labels,
      total: chart.data.datasets.flatMap((set) => set.data).reduce((sum, value) => sum + value, 0),
      painted,
      width: chart.width,
      ariaLabel: canvas.getAttribute('aria-label'),
      caption: document.getElementById(`chart-${chartName}-caption`)!.textContent,
      tableRows: table.tBodies[0]!.rows.length,
    };
  }, name);
}

/** A same-origin GET from the page, with the session cookie, as the page's own links do it. */
async function fetchInPage(page: Page, href: string) {
  return page.evaluate(async (url) => {
    const res = await fetch(url);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  }, href);
}

describe('cost report page in a browser, against the whole bot', () => {
  let bot: TestBot;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let cspViolations: string[] = [];
  let messagesIn = 0;
  let issuedId = '';

  /** Real usage of the demo activation: citizens in three languages, one handed to an operator. */
  async function talkToTheBot(): Promise<number> {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    const questions: Record<string, string[]> = {
      nl: ['Moet ik binnen blijven?', 'Is het kraanwater drinkbaar?', 'Zijn de scholen gesloten?'],
      fr: ["Dois-je rester à l'intérieur ?", "L'eau du robinet est-elle potable ?"],
      en: ['Can I drink tap water?', 'I want to talk to a person'],
    };
    let sent = 0;
    for (const texts of Object.values(questions)) {
      const conv = bot.channel.conversation();
      for (const text of texts) {
        await conv.say(text);
        sent += 1;
      }
      if (texts.includes('I want to talk to a person')) {
        const notice = bot.channel.activities(conv.id).find((a) => crisisReplyOf(a)?.kind === 'handoff');
        expect(crisisReplyOf(notice!)).toMatchObject({ queue: 'd5' });
        const claimed = await operator.post<{ id: string }>('/api/tickets/claim-next');
        expect(claimed.status).toBe(200);
        const ticket = claimed.body.id;
        expect(
          (await operator.post(`/api/tickets/${ticket}/messages`, { text: 'Hello, how can I help?' })).status,
        ).toBe(201);
        // Some handling time, so the ticket counts as handled.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expect((await operator.post(`/api/tickets/${ticket}/close`, { outcome: 'resolved' })).status).toBe(
          200,
        );
      }
    }
    return sent;
  }

  const apiReport = async () => {
    const res = await admin.get<Report>(`/api/reports/activation/${CRISIS}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    // A default tariff in force since the hour before this one, so everything the test does is priced.
    const tariff = await admin.post('/api/tariffs', {
      scope: 'default',
      validFrom: new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS).toISOString(),
      activationCents: 25_000,
      operatorQuarterHourD5Cents: 1_250,
      operatorQuarterHourD2Cents: 1_500,
      personConversationCents: 300,
      messageCents: [{ channel: 'test', cents: 2 }],
      tokensInPerMillionCents: 15,
      tokensOutPerMillionCents: 60,
      note: 'report page test',
    });
    expect(tariff.status).toBe(201);
    expect((await admin.post('/api/authorities', OTHER_AUTHORITY)).status).toBe(201);
    expect((await admin.post('/api/users', OTHER_USER)).status).toBe(201);

    messagesIn = await talkToTheBot();
    // The interaction log is written in batches off the reply path: wait until the report counts it all.
    await waitFor(
      async () => (await apiReport()).messages.in >= messagesIn,
      'the report to count every message',
    );

    // A time zone away from UTC (the machine's), so that days and hours are shown and sent as local ones.
    ({ browser, page, pageErrors, cspViolations } = await openLaptopPage({ timezoneId: TIME_ZONE }));
  }, 90_000);

  afterAll(() => closeBrowsersAndBot([browser], bot));

  it('shows the activation report with its totals, four charts and a CSV, and screenshots it', async () => {
    await page.goto(`${bot.app.url}/reports/`);
    await signInOnPage(page, { ...ADMIN, displayName: 'Administrator' });

    const activation = page.getByLabel('Activation', { exact: true });
    await page
      .locator(`#activation-select option[value="${CRISIS}"]`)
      .waitFor({ state: 'attached', ...WAIT });
    await activation.selectOption(CRISIS);
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.locator('#report-view:not([hidden])').waitFor(WAIT);
    const api = await apiReport();
    expect(api.messages.in).toBe(messagesIn);
    expect(api.totalCents).toBeGreaterThan(0);
    expect(api.warnings).toEqual([]);
    expect(api.period.open).toBe(true);

    // Subject, period and the open badge.
    expect(await page.locator('#report-heading').textContent()).toBe(
      'Fire at the Valmont-sur-Vesse chemical site',
    );
    expect(await page.locator('#open-badge').isVisible()).toBe(true);
    expect(await page.locator('#report-activations').textContent()).toContain(CRISIS);

    // The totals table: the API's cost lines and total, in euros as the browser formats them.
    const total = page.locator('#total');
    expect(Number(await total.getAttribute('data-cents'))).toBe(api.totalCents);
    const expectedTotal = await page.evaluate(
      (cents) => new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(cents / 100),
      api.totalCents,
    );
    expect(await total.textContent()).toBe(expectedTotal);
    expect(expectedTotal).toContain('€');
    const items = await page.locator('#cost-lines tr').evaluateAll((rows) => rows.map((r) => r.dataset.item));
    expect(items).toEqual(api.costLines.map((line) => line.item));
    expect(items).toEqual(
      expect.arrayContaining(['activation', 'messages', 'operator-time-d5', 'person-conversation']),
    );

    // The figures the costs come from.
    const messages = page.locator('#figures table', {
      has: page.locator('caption', { hasText: /^Messages$/ }),
    });
    expect(await messages.locator('tr', { hasText: 'In (from citizens)' }).locator('td').textContent()).toBe(
      String(messagesIn),
    );
    const languages = await page
      .locator('#figures table', { has: page.locator('caption', { hasText: 'Messages by language' }) })
      .locator('tbody th')
      .allTextContents();
    expect(languages).toEqual(expect.arrayContaining(['Dutch', 'French', 'English']));
    expect(await page.locator('#warnings').isHidden()).toBe(true);

    // Four charts, drawn (bars in their colour on the canvas) from the report's numbers.
    for (const name of CHARTS) {
      const chart = await chartState(page, name);
      expect(chart).toBeDefined();
      expect(chart!.total).toBeGreaterThan(0);
      expect(chart!.painted).toBeGreaterThan(0);
      expect(chart!.ariaLabel).toBeTruthy();
      expect(chart!.caption).toBeTruthy();
      expect(chart!.tableRows).toBe(chart!.labels.length);
    }
    const volume = await chartState(page, 'volume');
    expect(volume!.total).toBe(api.messages.in + api.messages.out);
    expect((await chartState(page, 'languages'))!.labels).toEqual(
      api.messages.byLanguage.map((c) => ({ de: 'German', en: 'English', fr: 'French', nl: 'Dutch' })[c.key]),
    );
    expect((await chartState(page, 'waiting'))!.total).toBe(api.waiting.claimed);

    // The CSV link downloads the report as CSV with the same session.
    const csvHref = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csvHref).toBe(`/api/reports/activation/${CRISIS}/csv`);
    const csv = await fetchInPage(page, csvHref!);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.text.split('\n')[0]).toBe(CSV_HEADER);
    expect(csv.text).toContain(`cost,total,,,,,${(api.totalCents / 100).toFixed(2)},`);
    const [download] = await Promise.all([
      page.waitForEvent('download', WAIT),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`report-${CRISIS}.csv`);
    expect(fs.readFileSync(await download.path(), 'utf8').split('\n')[0]).toBe(CSV_HEADER);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'reports.png'), fullPage: true });

    // Print: an A4-wide page with the report alone, charts redrawn to their paper size.
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction(() => {
      const canvas = document.getElementById('chart-volume') as HTMLCanvasElement;
      return canvas.getBoundingClientRect().width <= 320;
    }, WAIT);
    expect(await page.locator('.controls').isHidden()).toBe(true);
    expect(await page.locator('.report-actions').isHidden()).toBe(true);
    expect(await page.locator('#total').isVisible()).toBe(true);
    for (const name of CHARTS) expect((await chartState(page, name))!.painted).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reports-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1366, height: 768 });

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 90_000);

  it('issues the report, lists it and opens it read-only', async () => {
    await page.getByRole('button', { name: 'Issue report' }).click();
    const result = page.locator('#issue-result:not([hidden])');
    await result.waitFor(WAIT);
    issuedId = (await result.getAttribute('data-id')) ?? '';
    expect(issuedId).toMatch(/^R-\d{8}-[0-9a-f]{8}$/);
    expect(await result.textContent()).toContain(issuedId);

    const listed = page.locator(`#issued-list li[data-id="${issuedId}"]`);
    await listed.waitFor(WAIT);
    await listed.getByRole('button', { name: issuedId }).click();
    await page.locator(`#report-view[data-issued="${issuedId}"]`).waitFor(WAIT);
    expect(await page.getByRole('button', { name: 'Issue report' }).isHidden()).toBe(true);
    expect(await page.locator('#report-as-of').textContent()).toContain(`Issued report ${issuedId}`);
    expect(await listed.getByRole('button').getAttribute('aria-current')).toBe('true');

    const issued = await admin.get<{ report: Report }>(`/api/reports/issued/${issuedId}`);
    expect(issued.status).toBe(200);
    expect(Number(await page.locator('#total').getAttribute('data-cents'))).toBe(
      issued.body.report.totalCents,
    );
    const csvHref = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csvHref).toBe(`/api/reports/issued/${issuedId}/csv`);
    expect((await fetchInPage(page, csvHref!)).text.split('\n')[0]).toBe(CSV_HEADER);
    for (const name of CHARTS) expect((await chartState(page, name))!.total).toBeGreaterThan(0);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it("reports the demo authority over this month's days, taken in the browser's time zone", async () => {
    await page.getByLabel('An authority, over a period').check();
    await page.getByLabel('Authority', { exact: true }).selectOption(DEMO_AUTHORITY);
    // The form starts with this month up to today.
    const firstDay = await page.getByLabel('First day').inputValue();
    const lastDay = await page.getByLabel('Last day').inputValue();
    expect(firstDay.slice(-2)).toBe('01');
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.locator('#report-heading', { hasText: `NIS ${DEMO_AUTHORITY}` }).waitFor(WAIT);

    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const query = new URL(href!, bot.app.url).searchParams;
    const [from, to] = [query.get('from')!, query.get('to')!];
    // Midnight in Brussels before the first day and after the last one (the last day is included).
    expect(brusselsClock(from)).toEqual({ day: '01', hour: '00', minute: '00' });
    const dayAfter = new Date(`${lastDay}T12:00:00Z`);
    dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
    expect(brusselsClock(to)).toEqual({
      day: String(dayAfter.getUTCDate()).padStart(2, '0'),
      hour: '00',
      minute: '00',
    });
    expect(Date.parse(from)).toBeLessThan(Date.now());

    const api = await admin.get<Report>(`/api/reports/authority/${DEMO_AUTHORITY}?${query}`);
    expect(api.status).toBe(200);
    expect(api.body.totalCents).toBeGreaterThan(0);
    expect(Number(await page.locator('#total').getAttribute('data-cents'))).toBe(api.body.totalCents);
    expect(await page.locator('#report-activations').textContent()).toContain(CRISIS);
    expect((await chartState(page, 'volume'))!.total).toBe(api.body.messages.in + api.body.messages.out);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('adds a tariff version for one authority from the form', async () => {
    await page.getByText('Add a tariff version').click();
    await page.getByLabel('Applies to').selectOption(OTHER_AUTHORITY.nisCode);
    await page.getByLabel('Operator, quarter hour D5 (€)').fill('14.75');
    await page.getByLabel('Channel', { exact: true }).fill('test');
    await page.getByLabel('Price (€)').fill('0.05');
    await page.locator('#tariff-panel').screenshot({ path: path.join(ARTIFACTS, 'reports-tariff-form.png') });
    await page.getByRole('button', { name: 'Add tariff version' }).click();
    const version = `${OTHER_AUTHORITY.nisCode}:v1`;
    await page.locator('#status', { hasText: `Added the tariff version ${version}` }).waitFor(WAIT);
    await page.locator(`#tariff-list li[data-tariff="${version}"]`).waitFor(WAIT);

    const tariffs = await admin.get<{ tariffs: Record<string, unknown>[] }>('/api/tariffs');
    const added = tariffs.body.tariffs.find((t) => t.id === version)!;
    expect(added).toMatchObject({
      scope: OTHER_AUTHORITY.nisCode,
      operatorQuarterHourD5Cents: 1475,
      messageCents: [{ channel: 'test', cents: 5 }],
    });
    expect(added.activationCents).toBeUndefined();
    // On a whole hour of the browser's clock, as the API requires.
    expect(Date.parse(added.validFrom as string) % HOUR_MS).toBe(0);

    // The default tariff needs every price: the form does not send one without.
    await page.getByLabel('Applies to').selectOption('default');
    await page.getByRole('button', { name: 'Add tariff version' }).click();
    expect(
      await page
        .getByLabel('Activation (€)')
        .evaluate((input: HTMLInputElement) => input.validity.valueMissing),
    ).toBe(true);
    expect((await admin.get<{ tariffs: unknown[] }>('/api/tariffs')).body.tariffs).toHaveLength(2);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it("shows another authority's user nothing of the demo activation", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#status', { hasText: 'Signed out.' }).waitFor(WAIT);
    await signInOnPage(page, OTHER_USER);

    // No activation to choose: the page offers the user's own authority over a period instead.
    await page.locator('#no-activations:not([hidden])').waitFor(WAIT);
    expect(await page.locator('#activation-select option').count()).toBe(0);
    expect(await page.getByLabel('An activation, over its whole period').isDisabled()).toBe(true);
    expect(await page.getByLabel('An authority, over a period').isChecked()).toBe(true);
    const authorities = await page
      .locator('#authority-select option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(authorities).toEqual([OTHER_AUTHORITY.nisCode]);
    expect(await page.locator('#tariff-panel').isHidden()).toBe(true);
    // The admin's issued report is not theirs to list.
    expect(await page.locator('#issued-list li').count()).toBe(0);

    // And asking the API directly with this session gets nothing either.
    for (const href of [
      `/api/reports/activation/${CRISIS}`,
      `/api/reports/activation/${CRISIS}/csv`,
      `/api/reports/issued/${issuedId}`,
      `/api/reports/issued/${issuedId}/csv`,
    ]) {
      const res = await fetchInPage(page, href);
      expect({ href, status: res.status }).toEqual({ href, status: 404 });
      expect(res.text).not.toContain('section,name');
    }

    // Their own authority's report for this month: nothing happened there, nothing is charged.
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.locator('#report-view:not([hidden])').waitFor(WAIT);
    expect(await page.locator('#report-heading').textContent()).toBe(
      `${OTHER_AUTHORITY.name} (NIS ${OTHER_AUTHORITY.nisCode})`,
    );
    expect(await page.locator('#total').getAttribute('data-cents')).toBe('0');
    expect(await page.locator('#report-activations').textContent()).toBe('No activation in this period.');
    expect(await page.getByLabel('An activation, over its whole period').isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toMatch(
      new RegExp(`^/api/reports/authority/${OTHER_AUTHORITY.nisCode}/csv\\?from=.+&to=.+`),
    );

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 60_000);
});
