import mongoose from 'mongoose';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestBot } from './bot';

/** Debian's Chromium, installed by .ci/run; playwright-core never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking flags Chromium keeps calling Google's hosts, which this network refuses. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaptopPage {
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page's scripts, to assert there were none. */
  pageErrors: string[];
  /** What the content security policy refused (directive and blocked resource), to assert there was nothing. */
  cspViolations: string[];
}

export interface PageOptions {
  /** The browser's language (navigator.languages), e.g. `nl-BE`. */
  locale?: string;
  /** The browser's time zone, e.g. `Europe/Brussels`; the machine's when unset. */
  timezoneId?: string;
}

async function openPage(
  viewport: { width: number; height: number },
  extra: { isMobile?: boolean; hasTouch?: boolean; deviceScaleFactor?: number } & PageOptions,
): Promise<LaptopPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const page = await browser.newPage({ viewport, ...extra });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const cspViolations: string[] = [];
  await page.exposeFunction('reportCspViolation', (violation: string) => cspViolations.push(violation));
  // Init scripts run in every document before its own scripts, and the page's CSP does not apply to them.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation;
      report(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  return { browser, page, pageErrors, cspViolations };
}

/** A headless Chromium page the size of a laptop screen (1366 x 768). */
export function openLaptopPage(options: PageOptions = {}): Promise<LaptopPage> {
  return openPage({ width: 1366, height: 768 }, options);
}

/** A headless Chromium page as a phone shows it (390 x 844 CSS pixels, touch, high density). */
export function openPhonePage(options: PageOptions = {}): Promise<LaptopPage> {
  return openPage(
    { width: 390, height: 844 },
    { isMobile: true, hasTouch: true, deviceScaleFactor: 2, ...options },
  );
}

/**
 * Signs in through the page's sign-in form, by keyboard (Enter in the password field submits), and
 * waits until the page shows the user's name. A user with a second factor gives its `code`, which
 * the form asks for after the password.
 */
export async function signInOnPage(
  page: Page,
  user: { username: string; password: string; displayName: string; code?: string },
): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Password').press('Enter');
  if (user.code !== undefined) {
    const codeField = page.locator('#signin-form').getByLabel('Code from your authenticator app');
    await codeField.fill(user.code);
    await codeField.press('Enter');
  }
  await page.locator('#user-name', { hasText: user.displayName }).waitFor({ timeout: 15_000 });
}

/**
 * Ends a browser test file: its browsers, then the bot's database (the file's own, as startTestBot
 * names it: leave nothing behind), then the bot. Either may be missing when the setup failed early.
 */
export async function closeBrowsersAndBot(
  browsers: (Browser | undefined)[],
  bot: TestBot | undefined,
): Promise<void> {
  await Promise.all(browsers.map((browser) => browser?.close()));
  await mongoose.connection.db?.dropDatabase();
  await bot?.stop();
}
