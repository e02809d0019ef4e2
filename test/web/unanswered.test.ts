import type { Browser, Page } from 'playwright-core';
import { adminEnv, DEMO_COMMUNICATOR, adminCreatesUser } from '../helpers/api';
import { openLaptopPage, signInOnPage, closeBrowsersAndBot } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';
import { crisisReplyOf } from '../helpers/testChannel';
import { prewarmTriageClassifier } from '../triage/testModel';

const CRISIS = 'demo-chemical-fire';
/** A Dutch question the demo content has no words for: the bot asks to rephrase. */
const QUESTION = 'wordt de trekking van de nationale loterij uitgesteld?';
/** The entry a communicator decides it belongs to: where the situation is followed. */
const ENTRY = 'updates';
const WAIT = { timeout: 20_000 };

beforeAll(() => prewarmTriageClassifier(), 300_000);

/** What the bot does with `text` in a fresh conversation. */
async function replyTo(bot: TestBot, text: string) {
  const replies = await bot.channel.conversation().say(text);
  return replies[0] ? crisisReplyOf(replies[0]) : undefined;
}

describe('the studio tab "Unanswered" in a browser, against the whole bot', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let cspViolations: string[] = [];

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    await adminCreatesUser(bot.app.url, DEMO_COMMUNICATOR);
    ({ browser, page, pageErrors, cspViolations } = await openLaptopPage());
  }, 120_000);

  afterAll(() => closeBrowsersAndBot([browser], bot));

  it('attaches a group to an entry, publishes, and the bot then answers its phrasing', async () => {
    expect((await replyTo(bot, QUESTION))?.kind).toBe('clarify');

    await page.goto(`${bot.app.url}/studio/?crisis=${CRISIS}`);
    await signInOnPage(page, DEMO_COMMUNICATOR);
    await page.locator(`#entry-groups [data-entry-id="${ENTRY}"]`).waitFor(WAIT);
    await page.getByRole('button', { name: 'Unanswered' }).click();

    const group = page.locator('.inbox-group', { hasText: QUESTION });
    await group.waitFor(WAIT);
    expect(await group.locator('.inbox-count').textContent()).toBe('1×');
    await group.getByLabel('Entry').selectOption(ENTRY);
    await group.getByRole('button', { name: 'Add 1 as alternatives' }).click();
    await page.locator('#status', { hasText: `Added 1 phrasings to “${ENTRY}”` }).waitFor(WAIT);
    await page.locator('.inbox-empty').waitFor(WAIT);
    await page.locator('#draft-state[data-changed="true"]').waitFor(WAIT);

    await page.getByLabel('Note (what changed, required)').fill('Taught from the unanswered inbox');
    await page.getByRole('button', { name: 'Publish draft' }).click();
    await page.locator('#publish-result', { hasText: /Published version \d+/ }).waitFor(WAIT);

    expect(await replyTo(bot, QUESTION)).toMatchObject({ kind: 'answer', faqId: ENTRY });
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 180_000);

  it('starts a new entry from a group, prefilled with its phrasing, and the bot answers from it once published', async () => {
    const question = 'gaat het concert van zaterdag in het park nog door?';
    expect((await replyTo(bot, question))?.kind).toBe('clarify');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const group = page.locator('.inbox-group', { hasText: question });
    await group.waitFor(WAIT);
    await group.getByRole('button', { name: 'New entry…' }).click();
    const form = group.locator('.inbox-new-entry');
    expect(await form.getByLabel('Question (nl)').inputValue()).toBe(question);
    await form.getByLabel('ID', { exact: true }).fill('events-cancelled');
    await form
      .getByLabel('Answer (nl)')
      .fill('Alle evenementen in de gemeente zijn afgelast tot het einde van de crisis.');
    await form.getByRole('button', { name: 'Add entry to the draft' }).click();
    await page.locator('#status', { hasText: 'Entry “events-cancelled” added' }).waitFor(WAIT);
    await page.locator('#entry-groups [data-entry-id="events-cancelled"]').waitFor(WAIT);
    await page.locator('.inbox-empty').waitFor(WAIT);

    await page.getByLabel('Note (what changed, required)').fill('Events cancelled (from the inbox)');
    await page.getByRole('button', { name: 'Publish draft' }).click();
    await page.locator('#publish-result', { hasText: /Published version \d+/ }).waitFor(WAIT);
    expect(await replyTo(bot, question)).toMatchObject({ kind: 'answer', faqId: 'events-cancelled' });
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 180_000);

  it('shows which entry citizens chose after a clarification, and proposes it', async () => {
    // Two entries fit; the citizen will pick the one the bot did not rank first.
    const question = 'animals and vegetables?';
    const conversation = bot.channel.conversation();
    const [clarification] = await conversation.say(question);
    const offered = crisisReplyOf(clarification!);
    expect(offered?.kind).toBe('clarify');
    const [closest, faqId] = offered!.options!;
    expect(faqId).toBeDefined();
    expect(faqId).not.toBe(closest);

    // The group is on screen, the bot's closest entry proposed, before the citizen chooses.
    await page.getByRole('button', { name: 'Refresh' }).click();
    const group = page.locator('.inbox-group', { hasText: question });
    await group.waitFor(WAIT);
    expect(await group.getByLabel('Entry').inputValue()).toBe(closest);

    const title = clarification!.suggestedActions!.actions[1]!.title;
    const [answer] = await conversation.say(title);
    expect(crisisReplyOf(answer!)).toMatchObject({ kind: 'answer', faqId });

    // The choice is noted in the background, after the message itself is stored.
    const chosen = group.locator('.inbox-chosen', { hasText: `(${faqId}) 1×` });
    const deadline = Date.now() + WAIT.timeout;
    while (!(await chosen.isVisible()) && Date.now() < deadline) {
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/unanswered'), WAIT),
        page.getByRole('button', { name: 'Refresh' }).click(),
      ]);
    }
    await chosen.waitFor(WAIT);
    expect(await group.locator('.inbox-chosen').textContent()).not.toContain(`(${closest})`);
    expect(await group.getByLabel('Entry').inputValue()).toBe(faqId);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 180_000);
});
