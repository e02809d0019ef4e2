import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openLaptopPage, openPhonePage, type LaptopPage, closeBrowsersAndBot } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';
import { StandInServer } from '../helpers/standIn';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const WAIT = { timeout: 20_000 };
/** A browser test waits several times; on a loaded machine it needs more than jest's default. */
const TEST_TIMEOUT = 60_000;
const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/demo-chemical-fire.json'), 'utf8'),
) as {
  crisis: { slug: string; title: Record<string, string>; infoNumber: string };
  faqs: {
    id: string;
    question: Record<string, string>;
    answer: Record<string, string>;
    links?: { label: Record<string, string>; url: string }[];
  }[];
};
const botText = (lang: string) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../locales/${lang}/bot.json`), 'utf8')) as Record<
    string,
    string
  >;
const faq = (id: string) => demo.faqs.find((f) => f.id === id)!;
/** An entry whose answer carries a link, asked in Dutch as a citizen would. */
const DUTCH_QUESTION = 'Welke zone valt onder de schuilmaatregel?';
const ANSWER = faq('confinement-zone');

/** What Web Chat shows of the bot and the citizen (its visible feed, not the screen reader's live region), and its send box. */
const transcript = (page: Page) => page.getByRole('feed');
/** A paragraph of the transcript that says `text`. */
const said = (page: Page, text: string) => transcript(page).locator('p').filter({ hasText: text }).first();
/** A suggested action, shown as a button in Web Chat's toolbar of suggestions. */
const suggested = (page: Page, title: string) =>
  page.getByRole('toolbar').getByRole('button', { name: title });
const sendBox = (page: Page) => page.locator('[data-id="webchat-sendbox-input"]');

/** Everything that went wrong in the page: script errors, and anything the security policy blocked. */
function watchProblems(opened: LaptopPage): string[] {
  const problems = opened.pageErrors;
  opened.page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(message.text());
    }
  });
  return problems;
}

async function ask(page: Page, question: string): Promise<void> {
  await sendBox(page).click();
  await sendBox(page).fill(question);
  await page.keyboard.press('Enter');
}

describe('citizen chat page in a browser, against the whole bot over its own Direct Line', () => {
  let bot: TestBot;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    bot = await startTestBot();
  }, 60_000);

  afterAll(() => closeBrowsersAndBot(browsers, bot));

  it(
    'opens in the browser language for the crisis of the link, switches to Nederlands and answers in Dutch',
    async () => {
      const opened = await openLaptopPage({ locale: 'fr-BE' });
      browsers.push(opened.browser);
      const problems = watchProblems(opened);
      const { page } = opened;
      await page.goto(`${bot.app.url}/?crisis=${demo.crisis.slug}`);

      await page.getByRole('heading', { level: 1, name: demo.crisis.title.fr }).waitFor(WAIT);
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      const infoNumber = page.getByRole('link', { name: demo.crisis.infoNumber });
      expect(await infoNumber.getAttribute('href')).toBe(
        `tel:${demo.crisis.infoNumber.replace(/[^+0-9]/g, '')}`,
      );
      // The welcome, in the browser's language, names the crisis.
      await said(page, demo.crisis.title.fr!).waitFor(WAIT);

      await page.getByLabel('Langue').selectOption({ label: 'Nederlands' });
      await page.getByRole('heading', { level: 1, name: demo.crisis.title.nl }).waitFor(WAIT);
      expect(await page.locator('html').getAttribute('lang')).toBe('nl');
      expect(await page.getByLabel('Taal').inputValue()).toBe('nl');
      await said(page, botText('nl').languageSwitched!).waitFor(WAIT);

      await ask(page, DUTCH_QUESTION);
      await said(page, DUTCH_QUESTION).waitFor(WAIT);
      await said(page, ANSWER.answer.nl!.slice(0, 40)).waitFor(WAIT);
      // Links of the answer are links; quick replies are buttons.
      const link = transcript(page).getByRole('link', { name: ANSWER.links![0]!.label.nl });
      await link.waitFor(WAIT);
      expect(await link.getAttribute('href')).toBe(ANSWER.links![0]!.url);
      await suggested(page, botText('nl').helpfulYes!).waitFor(WAIT);

      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-desktop.png') });
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it('serves Web Chat from the bot itself (no CDN), compressed and revalidated', async () => {
    const page = await (await fetch(`${bot.app.url}/`)).text();
    const scripts = [...page.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/chat/vendor/webchat.js', '/chat/chat.js']);
    const script = await fetch(`${bot.app.url}/chat/vendor/webchat.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-encoding')).toBe('gzip');
    expect(await script.text()).toContain('renderWebChat');
    const again = await fetch(`${bot.app.url}/chat/vendor/webchat.js`, {
      headers: { 'if-none-match': script.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it(
    'fits a phone screen and works from the keyboard alone',
    async () => {
      const opened = await openPhonePage({ locale: 'nl-BE' });
      browsers.push(opened.browser);
      const problems = watchProblems(opened);
      const { page } = opened;
      await page.goto(`${bot.app.url}/?crisis=${demo.crisis.slug}`);
      await page.getByRole('heading', { level: 1, name: demo.crisis.title.nl }).waitFor(WAIT);
      await said(page, demo.crisis.title.nl!).waitFor(WAIT);

      // Keyboard: the first stop is the information number, then the language picker, with a visible focus ring.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const picker = page.getByLabel('Taal');
      expect(await picker.evaluate((el) => el === document.activeElement)).toBe(true);
      const outline = await picker.evaluate((el) => getComputedStyle(el).outlineWidth);
      expect(parseFloat(outline)).toBeGreaterThanOrEqual(2);

      // Nothing wider than the screen; the send box is on it.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const box = await sendBox(page).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.y + box!.height).toBeLessThanOrEqual(844);

      await sendBox(page).focus();
      await page.keyboard.type(faq('drinking-water').question.nl!);
      await page.keyboard.press('Enter');
      await said(page, faq('drinking-water').answer.nl!.slice(0, 40)).waitFor(WAIT);
      await suggested(page, botText('nl').helpfulYes!).waitFor(WAIT);

      await page.screenshot({ path: path.join(ARTIFACTS, 'chat-phone.png') });
      expect(problems).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});

/** A local stand-in of Azure's Direct Line: trades the secret for a token, then sees what the browser sends. */
class AzureStandIn {
  readonly generated: { authorization?: string; body: string }[] = [];
  readonly browserCalls: { method: string; url: string; authorization?: string }[] = [];
  private readonly server = new StandInServer((req, body, res) => {
    // The browser calls Direct Line across origins: answer as Azure does, for any origin.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      return res.end();
    }
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v3/directline/tokens/generate' && req.method === 'POST') {
      this.generated.push({ authorization: req.headers.authorization, body });
      if (req.headers.authorization !== `Bearer ${this.secret}`) {
        res.statusCode = 403;
        return res.end('{}');
      }
      return res.end(JSON.stringify({ conversationId: 'azure-conv-1', token: this.token, expires_in: 1800 }));
    }
    this.browserCalls.push({
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
    });
    res.statusCode = 503;
    res.end('{}');
  });
  url = '';

  constructor(
    readonly secret: string,
    readonly token: string,
  ) {}

  async start(): Promise<void> {
    this.url = await this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

describe('the chat page with Azure Direct Line configured', () => {
  const azure = new AzureStandIn('azure-direct-line-SECRET-never-in-the-browser', 'azure-issued-token-42');
  let bot: TestBot;
  let opened: LaptopPage | undefined;

  beforeAll(async () => {
    await azure.start();
    bot = await startTestBot({ DIRECT_LINE_AZURE_SECRET: azure.secret, DIRECT_LINE_AZURE_URL: azure.url });
  }, 60_000);

  afterAll(async () => {
    await closeBrowsersAndBot([opened?.browser], bot);
    await azure.stop();
  });

  it(
    'gets a token from Azure for the page, which connects to Azure with it and never sees the secret',
    async () => {
      opened = await openLaptopPage({ locale: 'en-GB' });
      const { page } = opened;
      const received: string[] = [];
      page.on('response', (response) => {
        void response.text().then(
          (text) => received.push(`${response.url()}\n${JSON.stringify(response.headers())}\n${text}`),
          () => undefined,
        );
      });
      const diagnostics: string[] = [];
      page.on('console', (m) => diagnostics.push(m.text()));
      page.on('requestfailed', (r) => diagnostics.push(`${r.url()}: ${r.failure()?.errorText}`));
      await page.goto(`${bot.app.url}/?crisis=${demo.crisis.slug}`);
      await page.getByRole('heading', { level: 1, name: demo.crisis.title.en }).waitFor(WAIT);

      const deadline = Date.now() + WAIT.timeout;
      while (
        !azure.browserCalls.some((c) => c.method === 'POST' && c.url === '/v3/directline/conversations')
      ) {
        if (Date.now() > deadline) throw new Error(`the page never called Azure:\n${diagnostics.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(azure.generated).toHaveLength(1);
      expect(azure.generated[0]!.authorization).toBe(`Bearer ${azure.secret}`);
      const start = azure.browserCalls.find((c) => c.method === 'POST')!;
      expect(start.authorization).toBe(`Bearer ${azure.token}`);
      expect(azure.browserCalls.every((c) => c.authorization !== `Bearer ${azure.secret}`)).toBe(true);

      await page.waitForLoadState('networkidle');
      expect(received.length).toBeGreaterThan(3);
      expect(received.some((r) => r.includes(azure.token))).toBe(true);
      expect(received.filter((r) => r.includes(azure.secret))).toEqual([]);
      expect(await page.content()).not.toContain(azure.secret);
    },
    TEST_TIMEOUT,
  );
});
