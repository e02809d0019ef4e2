import type { Browser, Page } from 'playwright-core';
import { adminEnv, DEMO_COMMUNICATOR, adminCreatesUser } from '../helpers/api';
import { openLaptopPage, signInOnPage, closeBrowsersAndBot } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';
import { FakeOpenAi } from '../helpers/fakeOpenAi';
import { SANDBAGS, TRANSLATIONS } from '../helpers/translationFixture';

const CRISIS = 'demo-chemical-fire';
const COMMUNICATOR = DEMO_COMMUNICATOR;
const WAIT = { timeout: 15_000 };

describe('machine translation in the studio page, with a language model', () => {
  const fake = new FakeOpenAi();
  let bot: TestBot;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    await fake.start();
    bot = await startTestBot({ ...adminEnv, OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'test-model' });
    const admin = await adminCreatesUser(bot.app.url, COMMUNICATOR);
    expect((await admin.post(`/api/crises/${CRISIS}/draft/entries`, SANDBAGS)).status).toBe(201);
    ({ browser, page, pageErrors } = await openLaptopPage());
  }, 60_000);

  afterAll(async () => {
    await closeBrowsersAndBot([browser], bot);
    await fake.stop();
  });

  it('drafts the missing languages, marks them, and lets the communicator approve them', async () => {
    await page.goto(`${bot.app.url}/studio/?crisis=${CRISIS}`);
    await signInOnPage(page, COMMUNICATOR);

    // A complete entry offers nothing to translate.
    await page.locator('#entry-groups [data-entry-id="stay-indoors"] button').click();
    await page.locator('#entry-heading', { hasText: 'stay-indoors' }).waitFor(WAIT);
    expect(await page.locator('#machine-tools').isHidden()).toBe(true);

    const item = page.locator('#entry-groups [data-entry-id="sandbags"]');
    expect(await item.getAttribute('data-missing')).toBe('nl de');
    await item.locator('button').click();
    await page.locator('#entry-heading', { hasText: 'sandbags' }).waitFor(WAIT);
    const translate = page.getByRole('button', { name: 'Draft missing languages by machine' });
    await translate.waitFor(WAIT);

    fake.queue({ content: { translations: TRANSLATIONS } });
    await translate.click();
    await page.locator('#status', { hasText: 'Machine translations drafted in Dutch, German' }).waitFor(WAIT);
    expect(await page.getByLabel('Answer (Dutch)').inputValue()).toBe(TRANSLATIONS.nl.answer);
    expect(await page.getByLabel('Question (German)').inputValue()).toBe(TRANSLATIONS.de.question);
    expect(await page.locator('#entry-languages .lang-col.is-machine').count()).toBe(2);
    expect(await page.locator('#entry-languages .lang-col[data-lang="nl"] .lang-machine').isVisible()).toBe(
      true,
    );
    expect(await page.locator('#machine-note').textContent()).toContain('cannot be published before');
    expect(await item.getAttribute('data-machine')).toBe('nl de');
    expect(await translate.isHidden()).toBe(true);

    // Publishing is refused, naming the entry.
    await page.getByLabel('Note (what changed, required)').fill('sandbags');
    await page.getByRole('button', { name: 'Publish draft' }).click();
    // The status said "machine translation" already before publishing: wait for the refusal's details.
    await page.locator('#status-details', { hasText: 'not approved' }).waitFor(WAIT);
    expect(await page.locator('#status-details').textContent()).toBe(
      'sandbags: machine translation not approved (nl, de)',
    );

    await page.getByRole('button', { name: 'Approve machine translations' }).click();
    await page.locator('#status', { hasText: 'Machine translations of “sandbags” approved' }).waitFor(WAIT);
    expect(await page.locator('#machine-tools').isHidden()).toBe(true);
    expect(await page.locator('#entry-languages .lang-col.is-machine').count()).toBe(0);
    expect(await item.getAttribute('data-machine')).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
