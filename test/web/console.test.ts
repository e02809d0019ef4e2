import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  adminEnv,
  signedInStaff,
  adminCreatesUser,
  confirmEnrolment,
  enrolAuthenticator,
} from '../helpers/api';
import { openLaptopPage, signInOnPage, closeBrowsersAndBot } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';
import { crisisReplyOf, type ReceivedActivity } from '../helpers/testChannel';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const OPERATOR = {
  username: 'olivia',
  password: 'olivia-operator-password',
  displayName: 'Olivia',
  roles: ['operator'],
  languages: ['en', 'fr'],
};
/** Bounded waits: long enough for a loaded machine, short enough to fail inside the test's timeout. */
const WAIT = { timeout: 15_000 };

/** Waits until the citizen has received, after the first `skip` activities, one that matches. */
async function citizenReceives(
  bot: TestBot,
  conversationId: string,
  skip: number,
  matches: (activity: ReceivedActivity) => boolean,
): Promise<ReceivedActivity> {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    const found = bot.channel.activities(conversationId).slice(skip).find(matches);
    if (found) return found;
    const seen = bot.channel.activities(conversationId).length;
    if (Date.now() > deadline) throw new Error(`the citizen did not receive it (${seen} activities)`);
    await bot.channel.waitFor(conversationId, seen + 1, deadline - Date.now()).catch(() => undefined);
  }
}

describe('operator console in a browser, against the whole bot', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    await adminCreatesUser(bot.app.url, OPERATOR);

    ({ browser, page, pageErrors } = await openLaptopPage());
  }, 60_000);

  afterAll(() => closeBrowsersAndBot([browser], bot));

  it('signs in, takes a citizen from the queue, replies and closes the ticket', async () => {
    await page.goto(`${bot.app.url}/console`);

    await signInOnPage(page, OPERATOR);
    // Signing in makes the operator available, and the live stream must be open before a citizen
    // asks: with nobody online the bot offers a callback instead of queueing.
    expect(await page.getByLabel('Presence').inputValue()).toBe('available');
    await page.locator('#connection[data-connection="open"]').waitFor(WAIT);

    const conv = bot.channel.conversation();
    const answered = await conv.say('Where is the reception centre?');
    expect(crisisReplyOf(answered[0]!)).toMatchObject({ kind: 'answer' });
    const queued = await conv.say('I want to talk to a person');
    const notice = queued.find((a) => a.type === 'message');
    expect(crisisReplyOf(notice!)).toMatchObject({ kind: 'handoff', queue: 'd5', position: 1 });

    // The ticket arrives over the stream; claim it from the keyboard.
    const claim = page.locator('#queue-list li[data-state="waiting"]').getByRole('button', { name: 'Claim' });
    await claim.waitFor(WAIT);
    await claim.focus();
    await page.keyboard.press('Enter');
    const transcript = page.locator('#transcript');
    await transcript.getByText('I want to talk to a person').waitFor(WAIT);
    // The whole transcript: the bot part of the conversation comes before the handoff.
    await transcript.locator('.from-citizen').getByText('Where is the reception centre?').waitFor(WAIT);
    expect(await transcript.locator('.from-bot').count()).toBeGreaterThan(0);
    await expectFocused(page, '#reply-text');

    const reply = 'Hello, this is Olivia. How can I help you?';
    await page.keyboard.type(reply);
    await page.keyboard.press('Enter');
    await transcript.locator('.from-operator').getByText(reply).waitFor(WAIT);
    expect(await page.locator('#reply-text').inputValue()).toBe('');
    const relayed = await citizenReceives(
      bot,
      conv.id,
      0,
      (a) => a.type === 'message' && a.text === reply && crisisReplyOf(a)?.kind === 'operator',
    );
    expect(crisisReplyOf(relayed)).toMatchObject({ kind: 'operator', lang: 'en' });
    // Typing the reply showed the citizen a typing indicator.
    expect(bot.channel.activities(conv.id).some((a) => a.type === 'typing')).toBe(true);

    // A citizen message arrives live and is announced.
    await conv.say('Thank you, I will stay indoors.');
    await transcript.locator('.from-citizen').getByText('Thank you, I will stay indoors.').waitFor(WAIT);
    await page
      .locator('#announcer')
      .getByText('Thank you, I will stay indoors.')
      .waitFor({ state: 'attached', ...WAIT });

    // A suggested FAQ answer goes into the reply box, for the operator to edit before sending.
    await page.getByLabel('Search the FAQ (optional)').fill('reception centre');
    await page.getByRole('button', { name: 'Suggest' }).click();
    const insert = page.locator('#suggestions').getByRole('button', { name: 'Insert' }).first();
    await insert.waitFor(WAIT);
    const answer = await page.locator('#suggestions .suggestion-answer').first().textContent();
    await insert.click();
    expect(await page.locator('#reply-text').inputValue()).toBe(answer);
    // Having answered with a suggested entry, the operator can send the question to the FAQ inbox.
    const suggestions = page.locator('#suggestions');
    await suggestions.getByRole('button', { name: 'Add this question to the FAQ' }).first().click();
    await suggestions.getByRole('button', { name: 'Question sent to the FAQ inbox' }).waitFor(WAIT);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'console.png') });

    const beforeClose = bot.channel.activities(conv.id).length;
    await page.getByLabel('Outcome').selectOption('resolved');
    await page.getByRole('button', { name: 'Close ticket' }).click();
    await page.locator('#status').getByText('Ticket closed: Resolved.').waitFor(WAIT);
    await page.locator('#ticket-view').waitFor({ state: 'hidden', ...WAIT });
    await page
      .locator('#queue-list li')
      .first()
      .waitFor({ state: 'detached', ...WAIT });
    // The citizen is told the conversation is back with the bot.
    await citizenReceives(bot, conv.id, beforeClose, (a) => a.type === 'message');

    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('asks an operator who enrolled a second factor for its code after the password', async () => {
    const operator = await signedInStaff(bot.app.url, {
      roles: ['operator'],
      languages: ['en'],
      displayName: 'Enzo',
    });
    const { code } = await enrolAuthenticator(operator);
    expect(await confirmEnrolment(operator, code)).toBe(204);

    // A page of its own: no session cookie of the earlier tests.
    const own = await browser.newPage();
    try {
      await own.goto(`${bot.app.url}/console`);
      await own.getByLabel('Username').fill(operator.username);
      await own.getByLabel('Password').fill(operator.password);
      await own.getByLabel('Password').press('Enter');
      const codeField = own.getByLabel('Code from your authenticator app');
      await codeField.waitFor(WAIT);
      expect(await own.locator('#user-name').textContent()).not.toBe('Enzo');
      await codeField.fill(code(0));
      await codeField.press('Enter');
      await own.locator('#user-name', { hasText: 'Enzo' }).waitFor(WAIT);
      expect(await own.getByLabel('Presence').inputValue()).toBe('available');
    } finally {
      await own.close();
    }
  });
});

async function expectFocused(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => document.activeElement === document.querySelector(s), selector, WAIT);
}
