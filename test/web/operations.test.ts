import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { adminEnv, signedInStaff, adminCreatesUser } from '../helpers/api';
import { openPhonePage, signInOnPage, closeBrowsersAndBot } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';
import { activateFromTemplate, drillingAuthority } from '../helpers/exercise';
import { crisisReplyOf } from '../helpers/testChannel';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const SUPERVISOR = {
  username: 'sofia',
  password: 'sofia-supervisor-password',
  displayName: 'Sofia',
  roles: ['supervisor'],
  languages: ['en'],
};
/** Bounded waits: long enough for a loaded machine, short enough to fail inside the test's timeout. */
const WAIT = { timeout: 15_000 };

describe('operations view in a browser at phone width, against the whole bot', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let cspViolations: string[] = [];

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    await adminCreatesUser(bot.app.url, SUPERVISOR);
    ({ browser, page, pageErrors, cspViolations } = await openPhonePage());
  }, 60_000);

  afterAll(() => closeBrowsersAndBot([browser], bot));

  it('shows a supervisor the queue grow as citizens ask for a person, with advice and charts', async () => {
    // An operator online: with nobody online the bot offers a callback instead of queueing.
    await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    await page.goto(`${bot.app.url}/operations`);
    await signInOnPage(page, SUPERVISOR);
    await page.locator('#connection[data-connection="open"]').waitFor(WAIT);

    const row = page.locator('tr[data-queue="d5"][data-lang="en"]');
    const waiting = row.locator('td[data-col="waiting"]');
    await waiting.filter({ hasText: /^0$/ }).waitFor(WAIT);
    await page.getByRole('row', { name: /D5 information, English/ }).waitFor(WAIT);

    for (let i = 0; i < 2; i++) {
      const replies = await bot.channel.conversation().say('I want to talk to a person');
      const notice = replies.find((a) => a.type === 'message');
      expect(crisisReplyOf(notice!)).toMatchObject({ kind: 'handoff', queue: 'd5' });
    }
    await waiting.filter({ hasText: /^2$/ }).waitFor(WAIT);
    expect(await row.locator('td[data-col="online"]').textContent()).toBe('1');
    // The advice, with its inputs: two tickets in 15 minutes are 8 an hour.
    const advice = row.locator('td[data-col="advice"]');
    expect(await advice.locator('strong').textContent()).toMatch(
      /^(Add \d+ English-speaking operators?|Enough: \d+ needed)$/,
    );
    expect(await advice.locator('.inputs').textContent()).toContain('8 tickets an hour');

    // Each chart is an image whose label says its figures, and a table for screen readers.
    const waitingChart = page.getByRole('img', { name: /Tickets waiting now: 2 D5 and 0 D2/ });
    await waitingChart.waitFor(WAIT);
    expect(await page.locator('table.visually-hidden caption', { hasText: 'Tickets waiting' }).count()).toBe(
      1,
    );

    // Keyboard: the crisis is chosen with the arrow keys, and the view follows it.
    await page.getByLabel('Crisis').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Crisis').inputValue()).toBe('demo-chemical-fire');
    await page.locator('#connection[data-connection="open"]').waitFor(WAIT);
    await waiting.filter({ hasText: /^2$/ }).waitFor(WAIT);

    await page.screenshot({ path: path.join(ARTIFACTS, 'operations-phone.png') });
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'operations-phone-queues.png') });
    await page.locator('#chart-waiting-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'operations-phone-charts.png') });
    // 390 px: nothing wider than the screen but the queue table, which scrolls in its own box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(390);

    // An exercise beside it: chosen on its own, marked EXERCISE, and not among the real crises.
    const authority = await drillingAuthority(bot.app.url, '21906');
    await activateFromTemplate(authority, { slug: 'ops-drill', template: 'flood', exercise: true, step: 0 });
    const drillCitizen = bot.channel.conversation({ channelData: { crisis: 'ops-drill' } });
    expect(crisisReplyOf((await drillCitizen.say('I want to talk to a person')).at(-1)!)?.queue).toBe('d5');
    const drillOption = page.locator('#crisis-choice option[value="ops-drill"]');
    await drillOption.waitFor({ state: 'attached', ...WAIT });
    expect(await drillOption.textContent()).toBe('EXERCISE · ops-drill');
    await page.getByLabel('Crisis').selectOption('ops-drill');
    await waiting.filter({ hasText: /^1$/ }).waitFor(WAIT);
    await row.locator('th .badge.exercise', { hasText: 'EXERCISE' }).waitFor(WAIT);
    await page.locator('#overview-heading .badge.exercise').waitFor(WAIT);
    await page
      .getByRole('note')
      .getByText(/never counted with the real crises/)
      .waitFor(WAIT);
    await page.screenshot({ path: path.join(ARTIFACTS, 'operations-phone-exercise.png') });
    // All the real crises together: the drill's ticket is not in them, and no marker either.
    await page.getByLabel('Crisis').selectOption('all');
    await page
      .getByRole('note')
      .getByText(/ops-drill\) are not in these figures/)
      .waitFor(WAIT);
    await waiting.filter({ hasText: /^2$/ }).waitFor(WAIT);
    expect(await page.locator('.badge.exercise').count()).toBe(0);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
