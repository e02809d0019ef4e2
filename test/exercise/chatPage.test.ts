import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { InteractionModel } from '../../models';
import { adminEnv } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { openLaptopPage, signInOnPage } from '../helpers/browser';
import { activateFromTemplate, drillingAuthority } from '../helpers/exercise';

const WAIT = { timeout: 20_000 };
const TEST_TIMEOUT = 90_000;
const flood = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/templates/flood.json'), 'utf8'),
) as { faqs: Array<{ question: Record<string, string>; answer: Record<string, string> }> };

const transcript = (page: Page) => page.getByRole('feed');
const botSaid = (page: Page, text: string) => transcript(page).locator('p').filter({ hasText: text });
const sendBox = (page: Page) => page.locator('[data-id="webchat-sendbox-input"]');

describe('the exercise on the chat page, in a browser', () => {
  const bot = useTestBot(adminEnv);
  const browsers: Browser[] = [];
  let authority: Awaited<ReturnType<typeof drillingAuthority>>;

  beforeAll(async () => {
    authority = await drillingAuthority(bot.app.url, '21903');
    await activateFromTemplate(authority, { slug: 'drill-page', template: 'flood', exercise: true, step: 0 });
    await activateFromTemplate(authority, { slug: 'real-page', template: 'flood', exercise: false, step: 1 });
  });
  afterAll(() => Promise.all(browsers.map((b) => b.close())));

  it(
    'says EXERCISE in the header and on every message, in the page language, and follows a switch',
    async () => {
      const opened = await openLaptopPage({ locale: 'nl-BE' });
      browsers.push(opened.browser);
      const { page } = opened;
      await page.goto(`${bot.app.url}/?crisis=drill-page`);
      const banner = page.locator('#exercise-banner');
      await banner.getByText('OEFENING', { exact: true }).waitFor(WAIT);
      expect(await page.title()).toMatch(/^OEFENING · /);
      // The welcome, then an answer, each headed by the marker.
      await botSaid(page, 'OEFENING').first().waitFor(WAIT);
      await sendBox(page).fill(flood.faqs[0]!.question.nl!);
      await page.keyboard.press('Enter');
      await botSaid(page, flood.faqs[0]!.answer.nl!.slice(0, 30)).first().waitFor(WAIT);
      const answer = await botSaid(page, flood.faqs[0]!.answer.nl!.slice(0, 30)).first().textContent();
      expect(answer).toMatch(/^OEFENING · /);

      await page.getByLabel('Taal').selectOption({ label: 'Deutsch' });
      await banner.getByText('ÜBUNG', { exact: true }).waitFor(WAIT);
      await botSaid(page, 'ÜBUNG').first().waitFor(WAIT);
      expect(opened.pageErrors).toEqual([]);
      expect(opened.cspViolations).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows no marker on a real crisis',
    async () => {
      const opened = await openLaptopPage({ locale: 'nl-BE' });
      browsers.push(opened.browser);
      const { page } = opened;
      await page.goto(`${bot.app.url}/?crisis=real-page`);
      await page.getByRole('heading', { level: 1, name: 'Crisis real-page' }).waitFor(WAIT);
      await botSaid(page, 'Crisis real-page').first().waitFor(WAIT);
      expect(await page.locator('#exercise-banner').isVisible()).toBe(false);
      expect(await transcript(page).textContent()).not.toMatch(/OEFENING|EXERCI|ÜBUNG/);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows the after-action report of the exercise to its authority, with the figures of the API',
    async () => {
      const citizen = bot.channel.conversation({ channelData: { crisis: 'drill-page' } });
      await citizen.say(flood.faqs[1]!.question.en!);
      // This message's entry is written (the browser's, of the first test, long before).
      while ((await InteractionModel.countDocuments({ conversationId: citizen.id, direction: 'in' })) === 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const report = (await authority.get<{ messages: { in: number } }>('/api/reports/exercise/drill-page'))
        .body;
      const opened = await openLaptopPage();
      browsers.push(opened.browser);
      const { page } = opened;
      await page.goto(`${bot.app.url}/reports/after-action.html?crisis=drill-page`);
      await signInOnPage(page, { ...authority, displayName: authority.username });
      await page.getByRole('heading', { name: 'Exercise drill-page' }).waitFor(WAIT);
      const all = page.getByRole('row', { name: /^All / });
      expect(await all.getByRole('cell').first().textContent()).toBe(String(report.messages.in));
      expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe(
        '/api/reports/exercise/drill-page/csv',
      );
      expect(opened.pageErrors).toEqual([]);
      expect(opened.cspViolations).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
