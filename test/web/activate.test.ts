import fs from 'node:fs';
import path from 'node:path';
import { TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, adminCreatesUser, adminEnv, ApiClient, authorityUser, totpStep } from '../helpers/api';
import { openPhonePage, signInOnPage, closeBrowsersAndBot } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';
import { crisisReplyOf } from '../helpers/testChannel';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const NIS = '21004';
const AUTHORITY_USER = {
  username: 'aline',
  password: 'aline-authority-password',
  displayName: 'Aline',
  roles: ['authority'],
  languages: ['fr'],
  authorityNis: NIS,
};
const FLOOD = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/templates/flood.json'), 'utf8'),
) as { faqs: { id: string; question: Record<string, string>; answer: Record<string, string> }[] };
const DEMO_FILE = path.resolve(__dirname, '../../content/demo-chemical-fire.json');
/** Bounded waits: long enough for a loaded machine, short enough to fail inside the test's timeout. */
const WAIT = { timeout: 20_000 };

async function expectFocused(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => document.activeElement === document.querySelector(s), selector, WAIT);
}

/** Nothing wider than the phone: a page that scrolls sideways fails at 390 px. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() =>
    [document.documentElement, document.getElementById('app')!].map((e) => e.scrollWidth),
  );
  for (const width of widths) expect(width).toBeLessThanOrEqual(390);
}

/** Signs in with the password, then the code the page asks for (the user has a second factor). */
async function signInWithCode(
  page: Page,
  code: string,
  user: { username: string; password: string; displayName: string } = AUTHORITY_USER,
): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Password').press('Enter');
  await expectFocused(page, '#signin-code');
  await page.locator('#signin-form').getByLabel('Code from your authenticator app').fill(code);
  await page.locator('#signin-code').press('Enter');
  await page.locator('#user-name', { hasText: user.displayName }).waitFor(WAIT);
}

describe('the activation page on a phone, against the whole bot', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let cspViolations: string[] = [];
  /** The authority user's code of the time step `offset` steps away, once enrolled. */
  let code: (offset: number) => string;

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    const authority = await admin.post('/api/authorities', {
      nisCode: NIS,
      name: 'Commune de Testville',
      languages: ['fr', 'nl'],
    });
    expect(authority.status).toBe(201);
    expect((await admin.post('/api/users', AUTHORITY_USER)).status).toBe(201);
    ({ browser, page, pageErrors, cspViolations } = await openPhonePage());
  }, 90_000);

  afterAll(() => closeBrowsersAndBot([browser], bot));

  it('enrols the second factor, signs in with a code, activates from a template, a citizen is answered, then ends it', async () => {
    const opened = Date.now();
    await page.goto(`${bot.app.url}/activate/`);
    await signInOnPage(page, AUTHORITY_USER);

    // Enrolment: the password again, then the QR code and the secret, then a first code.
    await expectFocused(page, '#enrol-heading');
    await page.getByLabel('Your password again').fill(AUTHORITY_USER.password);
    await page.getByLabel('Your password again').press('Enter');
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor(WAIT);
    const secret = (await page.locator('#totp-secret').textContent())!.trim();
    const totp = new TOTP({ secret, digits: 6, period: 30 });
    code = (offset: number) => totp.generate({ timestamp: Date.now() + offset * 30_000 });
    // The previous step's code, leaving the next ones for the sign-ins below; if the 30-second step
    // turned while it was on its way, it was two steps old: the new step's previous is entered.
    const activation = page.getByRole('heading', { name: 'Activate a crisis service' });
    const refused = page.locator('#status[data-kind="error"]');
    const confirmPreviousCode = async () => {
      await page.getByLabel('Code shown by the app').fill(code(-1));
      await page.getByRole('button', { name: 'Confirm' }).click();
    };
    const step = totpStep();
    await confirmPreviousCode();
    await activation.or(refused).waitFor(WAIT);
    if (!(await activation.isVisible())) {
      expect(totpStep()).not.toBe(step);
      await confirmPreviousCode();
      await activation.waitFor(WAIT);
    }

    // From now on the sign-in asks for a code after the password; a wrong one is refused.
    await page.getByRole('button', { name: 'Sign out' }).click();
    const signInForm = page.locator('#signin-form');
    await page.getByLabel('Username').fill(AUTHORITY_USER.username);
    await page.getByLabel('Password').fill(AUTHORITY_USER.password);
    await page.getByLabel('Password').press('Enter');
    const codeField = signInForm.getByLabel('Code from your authenticator app');
    await expectFocused(page, '#signin-code');
    await page.locator('#status').getByText('Enter the code from your authenticator app.').waitFor(WAIT);
    await codeField.fill(code(0).replace(/.$/, (d) => String((Number(d) + 5) % 10)));
    await codeField.press('Enter');
    await page
      .locator('#status')
      .getByText(/That code was not accepted/)
      .waitFor(WAIT);
    await codeField.fill(code(0));
    await codeField.press('Enter');
    await page.locator('#user-name', { hasText: AUTHORITY_USER.displayName }).waitFor(WAIT);
    // Gone from the form, for the next person who signs in on this device.
    expect(await signInForm.locator('#signin-code').count()).toBe(0);

    // The form: a template, the authority's languages already chosen, a title per language.
    await page.getByRole('heading', { name: 'Activate a crisis service' }).waitFor(WAIT);
    // Chosen once the authority's record has loaded (a busy machine takes a while).
    await page.getByRole('checkbox', { name: 'French', checked: true }).waitFor(WAIT);
    expect(await page.getByRole('checkbox', { name: 'Dutch' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'German' }).isChecked()).toBe(false);
    // A content file fills the fields from its own crisis, to be checked and corrected.
    await page.getByRole('radio', { name: 'From a content file' }).check();
    await page.getByLabel('Content file (JSON)').setInputFiles(DEMO_FILE);
    await page.getByLabel('Title (English)').waitFor(WAIT);
    expect(await page.getByLabel('Title (English)').inputValue()).toBe(
      'Fire at the Valmont-sur-Vesse chemical site',
    );
    expect(await page.getByRole('checkbox', { name: 'German' }).isChecked()).toBe(true);
    // This activation is from a template, in the authority's two languages.
    await page.getByRole('radio', { name: 'From a template' }).check();
    await page.getByLabel('Template', { exact: true }).selectOption('flood');
    await page.getByRole('checkbox', { name: 'German' }).uncheck();
    await page.getByRole('checkbox', { name: 'English' }).uncheck();
    await page.getByLabel('Title (French)').fill('Inondation à Testville');
    await page.getByLabel('Title (Dutch)').fill('Overstroming in Testville');
    await page.getByLabel('Info number').fill('+32 800 12 345');
    await page.getByRole('button', { name: 'Check' }).click();

    // The check shows what will be published; the sign-in's code still covers the activation.
    await expectFocused(page, '#check-heading');
    const summary = page.locator('.summary');
    await summary.getByText('+32 800 12 345').waitFor(WAIT);
    await summary.getByText('Inondation à Testville').waitFor(WAIT);
    await summary.getByText('French, Dutch').waitFor(WAIT);
    await page.getByText('no new code is needed').waitFor(WAIT);
    expect(await page.getByLabel('Code from your authenticator app').count()).toBe(0);
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Activate' }).click();

    const card = page.locator('li[data-slug]').first();
    await card.locator('.state-active').waitFor(WAIT);
    const slug = (await card.getAttribute('data-slug'))!;
    const link = card.locator('a.citizen-link');
    expect(await link.getAttribute('href')).toBe(`${bot.app.url}/?crisis=${slug}`);
    await card.getByRole('img', { name: /QR code of the citizen link/ }).waitFor(WAIT);

    const entry = FLOOD.faqs[0]!;
    const citizen = bot.channel.conversation({ channelData: { crisis: slug } });
    const replies = await citizen.say(entry.question.fr!);
    const answered = Date.now();
    expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'answer', faqId: entry.id, lang: 'fr' });
    console.log(
      `activation page: opening to first answer ${answered - opened} ms, activate click to first answer ${answered - clicked} ms`,
    );
    expect(answered - opened).toBeLessThan(120_000);
    expect(answered - clicked).toBeLessThan(60_000);

    await expectNoSidewaysScroll(page);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'activate-phone.png'), fullPage: true });

    // Ending asks for a confirmation (no code yet: the sign-in's still covers it); cancelling gives the focus back.
    await card.getByRole('button', { name: 'End this service…' }).click();
    await card.getByRole('heading', { name: /^End / }).waitFor(WAIT);
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: 'End this service…' }).click();
    await card.getByText('no new code is needed').waitFor(WAIT);
    await card.getByRole('button', { name: 'End the service' }).click();
    await card.locator('.state-inactive').waitFor(WAIT);
    await page.locator('#status').getByText('Ended: Inondation à Testville.').waitFor(WAIT);
    expect(crisisReplyOf((await citizen.say(entry.question.fr!))[0]!)?.kind).not.toBe('answer');

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 180_000);

  it('activates an exercise, marked EXERCISE at the check and on its card, and the API says so', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Another user of the authority, enrolled over the API: the first one's codes are spent.
    const drill = await authorityUser(bot.app.url, NIS);
    await signInWithCode(page, drill.code(0), { ...drill, displayName: drill.username });
    await page.getByRole('heading', { name: 'Activate a crisis service' }).waitFor(WAIT);
    // A real crisis unless the exercise is chosen.
    expect(await page.getByRole('radio', { name: 'A real crisis' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'This is an exercise (drill)' }).check();
    await page.getByLabel('Template', { exact: true }).selectOption('flood');
    await page.getByLabel('Title (French)').fill('Exercice inondation');
    await page.getByLabel('Title (Dutch)').fill('Oefening overstroming');
    await page.getByLabel('Info number').fill('+32 800 12 345');
    await page.getByRole('button', { name: 'Check' }).click();

    await expectFocused(page, '#check-heading');
    await page.locator('#check-heading .badge.exercise', { hasText: 'EXERCISE' }).waitFor(WAIT);
    await page
      .locator('.summary')
      .getByText(/^An exercise \(drill\)/)
      .waitFor(WAIT);
    // The sign-in's code still covers the activation.
    await page.getByText('no new code is needed').waitFor(WAIT);
    await page.getByRole('button', { name: 'Activate' }).click();

    const card = page.locator('li[data-exercise="true"]');
    await card.locator('.state-active').waitFor(WAIT);
    await card.locator('h3 .badge.exercise', { hasText: 'EXERCISE' }).waitFor(WAIT);
    await page.locator('#status').getByText('Activated: EXERCISE · Exercice inondation.').waitFor(WAIT);
    const slug = (await card.getAttribute('data-slug'))!;
    // The form is back, for a real crisis again unless the exercise is chosen anew.
    expect(await page.getByRole('radio', { name: 'A real crisis' }).isChecked()).toBe(true);
    const listed = await drill.get<{ crises: Array<{ slug: string; exercise: boolean; status: string }> }>(
      '/api/crises',
    );
    expect(listed.body.crises.find((c) => c.slug === slug)).toMatchObject({
      exercise: true,
      status: 'active',
    });
    // The real crisis of the first test, beside it, carries no marker.
    expect(await page.locator('li[data-exercise="false"]').count()).toBe(1);
    expect(await page.locator('li[data-exercise="false"] .badge.exercise').count()).toBe(0);

    const replies = await bot.channel
      .conversation({ channelData: { crisis: slug } })
      .say(FLOOD.faqs[0]!.question.fr!);
    expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'answer', exercise: true });
    await expectNoSidewaysScroll(page);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'activate-exercise-phone.png') });
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 120_000);

  it('lets an admin in too, and sends an operator to the console', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInOnPage(page, { ...ADMIN, displayName: 'Administrator' });
    await page.getByRole('heading', { name: 'Your crisis services' }).waitFor(WAIT);

    const operator = { ...AUTHORITY_USER, username: 'otto', displayName: 'Otto', roles: ['operator'] };
    await adminCreatesUser(bot.app.url, { ...operator, authorityNis: undefined });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInOnPage(page, operator);
    await expectFocused(page, '#elsewhere-heading');
    expect(await page.getByRole('link', { name: 'Operator console' }).getAttribute('href')).toBe('/console/');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('asks for a code again once the sign-in is no longer fresh', async () => {
    // The page's clock jumps past the window; the server's does not, and checks the code given all the same.
    await page.clock.install();
    await page.goto(`${bot.app.url}/activate/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithCode(page, code(1));
    await page.getByLabel('Title (French)').fill('Tempête à Testville');
    await page.getByLabel('Title (Dutch)').fill('Storm in Testville');
    await page.getByLabel('Info number').fill('+32 800 12 346');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText('no new code is needed').waitFor(WAIT);
    await page.clock.fastForward('16:00');
    await page
      .getByLabel('Code from your authenticator app')
      .fill(code(1).replace(/.$/, (d) => String((Number(d) + 5) % 10)));
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.locator('#status').getByText('Activation failed: wrong or expired code').waitFor(WAIT);
    // Still signed in: a refused code is not an ended session.
    expect(await page.locator('#app').isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
