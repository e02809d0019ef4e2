import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { InteractionModel } from '../../models';
import { adminEnv, authorityUser } from '../helpers/api';
import { startTestBot, type TestBot } from '../helpers/bot';
import { closeBrowsersAndBot, openLaptopPage, signInOnPage } from '../helpers/browser';
import { activateFromTemplate, drillingAuthority, MARKERS } from '../helpers/exercise';

const WAIT = { timeout: 20_000 };
const TEST_TIMEOUT = 120_000;
const flood = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/templates/flood.json'), 'utf8'),
) as { faqs: Array<{ question: Record<string, string>; answer: Record<string, string> }> };

/** The bot's confirmation of a language switch (locales' languageSwitched). */
const SWITCHED = {
  de: 'Gut, ich mache auf Deutsch weiter.',
  fr: 'Très bien, je continue en français.',
  en: 'All right, I will continue in English.',
};
const ANY_MARKER = new RegExp(Object.values(MARKERS).join('|'));

const transcript = (page: Page) => page.getByRole('feed');
const botSaid = (page: Page, text: string) => transcript(page).locator('p').filter({ hasText: text });
const sendBox = (page: Page) => page.locator('[data-id="webchat-sendbox-input"]');

describe('the exercise on the chat page, in a browser', () => {
  let bot: TestBot;
  const browsers: Browser[] = [];
  let authority: Awaited<ReturnType<typeof drillingAuthority>>;

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    authority = await drillingAuthority(bot.app.url, '21903');
    await activateFromTemplate(authority, { slug: 'drill-page', template: 'flood', exercise: true, step: 0 });
    await activateFromTemplate(authority, { slug: 'real-page', template: 'flood', exercise: false, step: 1 });
  });
  // The browsers first: a page still streaming from the bot would keep its server from closing.
  afterAll(() => closeBrowsersAndBot(browsers, bot));

  /** A Dutch-speaking citizen's browser on the chat page of `crisis`; closed after the file. */
  async function openChatPage(crisis: string) {
    const opened = await openLaptopPage({ locale: 'nl-BE' });
    browsers.push(opened.browser);
    await opened.page.goto(`${bot.app.url}/?crisis=${crisis}`);
    return opened;
  }

  it(
    'says the marker in the header and on every message, in each of the four languages of one page',
    async () => {
      const opened = await openChatPage('drill-page');
      const { page } = opened;
      const banner = page.locator('#exercise-banner');
      // The page opens in the browser's language, then the citizen switches through the others.
      for (const lang of ['nl', 'de', 'fr', 'en'] as const) {
        if (lang !== 'nl') await page.locator('#language').selectOption(lang);
        const marker = MARKERS[lang];
        await banner.getByText(marker, { exact: true }).waitFor(WAIT);
        expect(await page.title()).toMatch(new RegExp(`^${marker} · `));
        // The welcome or the switch's confirmation, then an answer, each headed by the marker.
        const first = lang === 'nl' ? botSaid(page, marker).first() : botSaid(page, SWITCHED[lang]).last();
        await first.waitFor(WAIT);
        expect(await first.textContent()).toMatch(new RegExp(`^${marker} · `));
        await sendBox(page).fill(flood.faqs[0]!.question[lang]!);
        await page.keyboard.press('Enter');
        const answer = botSaid(page, flood.faqs[0]!.answer[lang]!.slice(0, 30)).first();
        await answer.waitFor(WAIT);
        expect(await answer.textContent()).toMatch(new RegExp(`^${marker} · `));
      }
      expect(opened.pageErrors).toEqual([]);
      expect(opened.cspViolations).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'shows no marker on a real crisis, in any of the four languages',
    async () => {
      const opened = await openChatPage('real-page');
      const { page } = opened;
      await page.getByRole('heading', { level: 1, name: 'Crisis real-page' }).waitFor(WAIT);
      await botSaid(page, 'Crisis real-page').first().waitFor(WAIT);
      for (const lang of ['de', 'fr', 'en'] as const) {
        await page.locator('#language').selectOption(lang);
        await botSaid(page, SWITCHED[lang]).first().waitFor(WAIT);
        expect(await page.locator('#exercise-banner').isVisible()).toBe(false);
        expect(await page.title()).not.toMatch(ANY_MARKER);
      }
      expect(await transcript(page).textContent()).not.toMatch(ANY_MARKER);
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
      // Another user of the authority: the first one's codes of these time steps are spent.
      const reader = await authorityUser(bot.app.url, '21903');
      await signInOnPage(page, { ...reader, displayName: reader.username, code: reader.code(0) });
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
