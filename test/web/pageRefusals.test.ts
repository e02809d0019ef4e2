import type { Page } from 'playwright-core';
import { adminEnv, signedInStaff } from '../helpers/api';
import { closeBrowsersAndBot, openLaptopPage, signInOnPage, type LaptopPage } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';

const WAIT = { timeout: 20_000 };

/**
 * A staff member on a page that is not for their roles: the page says why and leaves them the
 * sign-out button, shows nothing of its own, and signing out brings the sign-in form back.
 */
describe('staff pages refuse an account without their roles', () => {
  let bot: TestBot | undefined;
  let laptop: LaptopPage | undefined;
  let page: Page;

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    laptop = await openLaptopPage();
    ({ page } = laptop);
  }, 90_000);

  afterAll(() => closeBrowsersAndBot([laptop?.browser], bot));

  it.each([
    ['/operations/', '#operations-view', 'it cannot see operations'],
    ['/reports/', '#reports-view', 'it cannot see cost reports'],
    ['/studio/', '#studio-view', 'it cannot edit content'],
  ])(
    '%s tells an operator why, focuses sign-out and shows nothing else',
    async (path, view, refusal) => {
      const operator = await signedInStaff(bot!.app.url, { roles: ['operator'], languages: ['fr'] });
      await page.goto(`${bot!.app.url}${path}`);
      await signInOnPage(page, { ...operator, displayName: operator.username });
      await page.locator('#status[data-kind="error"]', { hasText: refusal }).waitFor(WAIT);
      await page.waitForFunction(() => document.activeElement?.id === 'sign-out', undefined, WAIT);
      expect(await page.locator(view).isHidden()).toBe(true);
      expect(await page.locator('#signin-view').isHidden()).toBe(true);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#status', { hasText: 'Signed out.' }).waitFor(WAIT);
      await page.waitForFunction(() => document.activeElement?.id === 'username', undefined, WAIT);
      expect(await page.locator('#account').isHidden()).toBe(true);
    },
    60_000,
  );
});
