import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROLES } from '../../models';
import { ADMIN, adminEnv, ApiClient, signedInStaff } from '../helpers/api';
import {
  openLaptopPage,
  openPhonePage,
  signInOnPage,
  type LaptopPage,
  closeBrowsersAndBot,
} from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const ADMIN_USER = { ...ADMIN, displayName: 'Administrator' };
const OPERATOR = { username: 'omar', password: 'omar-operator-password', displayName: 'Omar' };
const WAIT = { timeout: 20_000 };

async function expectFocused(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => document.activeElement === document.querySelector(s), selector, WAIT);
}

describe('the administration pages, against the whole bot', () => {
  let bot: TestBot;
  const opened: LaptopPage[] = [];
  let page: Page;

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    opened.push(await openLaptopPage());
    ({ page } = opened[0]!);
  }, 90_000);

  afterAll(() =>
    closeBrowsersAndBot(
      opened.map((o) => o.browser),
      bot,
    ),
  );

  it('points an admin who opens the console to the administration page', async () => {
    await page.goto(`${bot.app.url}/console/`);
    await signInOnPage(page, ADMIN_USER);
    await page.locator('#status').getByText('neither the operator nor the D2 agent role').waitFor(WAIT);
    const link = page.locator('#elsewhere').getByRole('link', { name: /^Administration/ });
    expect(await link.getAttribute('href')).toBe('/admin/');
    await expectFocused(page, '#elsewhere a');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#elsewhere').waitFor({ state: 'hidden', ...WAIT });
  }, 60_000);

  it('creates an operator with the roles the server offers, who can then sign in to the console', async () => {
    await page.goto(`${bot.app.url}/admin/`);
    await signInOnPage(page, ADMIN_USER);
    // Every role the server accepts is offered, read from the API's description.
    const roles = page.getByRole('group', { name: 'Roles' }).getByRole('checkbox');
    // (the sign-in form, hidden now, has a Username and a Password too)
    await roles.first().waitFor(WAIT);
    expect(await roles.evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).toEqual([
      ...ROLES,
    ]);

    const form = page.getByRole('region', { name: 'New account' });
    await form.getByLabel('Username').fill(OPERATOR.username);
    await form.getByLabel('Display name').fill(OPERATOR.displayName);
    await form.getByLabel('Password', { exact: true }).fill(OPERATOR.password);
    await form.getByRole('checkbox', { name: 'operator', exact: true }).check();
    await form.getByRole('checkbox', { name: 'French' }).check();
    await form.getByRole('button', { name: 'Create account' }).click();
    const row = page.locator(`li[data-username="${OPERATOR.username}"]`);
    await row.locator('.last-sign-in', { hasText: 'Never' }).waitFor(WAIT);

    const console = await openLaptopPage();
    opened.push(console);
    await console.page.goto(`${bot.app.url}/console/`);
    await signInOnPage(console.page, OPERATOR);
    await console.page.locator('#connection[data-connection="open"]').waitFor(WAIT);
    expect(console.pageErrors).toEqual([]);

    // The admin sees the sign-in; nothing secret is on the page.
    await page.reload();
    await row.locator('.last-sign-in').waitFor(WAIT);
    expect(await row.locator('.last-sign-in').textContent()).not.toBe('Never');
    expect(await page.content()).not.toMatch(/argon2|passwordHash|totpPending/);

    // Disabling ends the operator's session: their next request is refused and they are signed out.
    await row.getByRole('button', { name: `Disable ${OPERATOR.username}` }).click();
    await row.getByText('Disabled', { exact: true }).waitFor(WAIT);
    await console.page.getByLabel('Presence').selectOption('away');
    await console.page.locator('#signin-view').waitFor(WAIT);
    await expect(new ApiClient(bot.app.url).login(OPERATOR.username, OPERATOR.password)).rejects.toThrow(
      '401',
    );
  }, 120_000);

  it('registers an authority and filters the audit log', async () => {
    await page.getByRole('link', { name: 'Authorities' }).click();
    await page.getByLabel('NIS code').fill('21009');
    await page.getByLabel('Name', { exact: true }).first().fill('Gemeente Proefdorp');
    await page.getByRole('group', { name: 'Languages' }).getByRole('checkbox', { name: 'Dutch' }).check();
    await page.getByRole('group', { name: 'Contact 1' }).getByLabel('Name').fill('Noodplanning');
    await page.getByRole('group', { name: 'Contact 1' }).getByLabel('Email').fill('nood@proefdorp.example');
    await page.getByRole('button', { name: 'Register authority' }).click();
    const authority = page.locator('li', { hasText: 'NIS 21009' });
    await authority.getByText('Noodplanning · nood@proefdorp.example').waitFor(WAIT);
    await authority.getByText('Nobody yet').waitFor(WAIT);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').selectOption('user.disable');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('.audit-table tbody tr');
    await page.locator('#audit-count', { hasText: /^1 entry$/ }).waitFor(WAIT);
    expect(await rows.first().textContent()).toContain('user.disable');
    // An operator reaching for the audit log is refused, and that shows among the refusals.
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['nl'] });
    expect((await operator.get('/api/audit')).status).toBe(403);
    await page.getByLabel('Action').selectOption('');
    await page.getByLabel('Outcome').selectOption('refused');
    await page.getByRole('button', { name: 'Filter' }).click();
    await rows.filter({ hasText: 'route:GET /api/audit' }).locator('.outcome-refused').waitFor(WAIT);
    expect(await page.locator('.audit-table .outcome-allowed').count()).toBe(0);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-audit.png'), fullPage: true });
    expect(opened[0]!.pageErrors).toEqual([]);
    expect(opened[0]!.cspViolations).toEqual([]);
  }, 60_000);

  it('fits a 390 px phone', async () => {
    const phone = await openPhonePage();
    opened.push(phone);
    await phone.page.goto(`${bot.app.url}/admin/#audit`);
    await signInOnPage(phone.page, ADMIN_USER);
    await phone.page.locator('.audit-table tbody tr').first().waitFor(WAIT);
    for (const hash of ['#audit', '#accounts', '#authorities']) {
      await phone.page.evaluate((h) => (location.hash = h), hash);
      const width = await phone.page.evaluate(() =>
        Math.max(document.documentElement.scrollWidth, document.getElementById('app')!.scrollWidth),
      );
      expect(width).toBeLessThanOrEqual(390);
    }
    await phone.page.screenshot({ path: path.join(ARTIFACTS, 'admin-phone.png') });
    expect(phone.pageErrors).toEqual([]);
  }, 60_000);
});
