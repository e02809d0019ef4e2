import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { adminEnv, ApiClient, DEMO_COMMUNICATOR, adminCreatesUser } from '../helpers/api';
import { openLaptopPage, signInOnPage, closeBrowsersAndBot } from '../helpers/browser';
import { startTestBot, type TestBot } from '../helpers/bot';
import type { ReceivedActivity } from '../helpers/testChannel';

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const CRISIS = 'demo-chemical-fire';
const COMMUNICATOR = DEMO_COMMUNICATOR;
const COLLEAGUE = {
  ...COMMUNICATOR,
  username: 'dirk',
  password: 'dirk-communicator-password',
  displayName: 'Dirk',
};
const NEW_ANSWER =
  'Nee, drink voorlopig geen kraanwater: gebruik flessenwater tot de watermaatschappij het sein veilig geeft (studiotest).';
/** Bounded waits: long enough for a loaded machine, short enough to fail inside the test's timeout. */
const WAIT = { timeout: 15_000 };

/** A citizen asks until the reply carries `expected` (published content reaches the bot within its refresh interval). */
async function citizenGets(
  bot: TestBot,
  question: string,
  expected: string,
  withinMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    // A fresh conversation each time, so no earlier turn (a clarification, say) colours the answer.
    const conv = bot.channel.conversation();
    const replies: ReceivedActivity[] = await conv.say(question);
    const last = replies
      .filter((a) => a.type === 'message')
      .map((a) => a.text ?? '')
      .join('\n');
    if (last.includes(expected)) return last;
    if (Date.now() > deadline) throw new Error(`the citizen never got the new answer; last reply: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('content studio in a browser, against the whole bot', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    await adminCreatesUser(bot.app.url, COMMUNICATOR);

    ({ browser, page, pageErrors } = await openLaptopPage());
  }, 60_000);

  afterAll(() => closeBrowsersAndBot([browser], bot));

  it('edits an entry, previews it, publishes it, and the citizen gets the new answer', async () => {
    // Before: the citizen gets the shipped answer, not the one this test writes.
    const before = await citizenGets(bot, 'Is het kraanwater drinkbaar?', 'leidingwater');
    expect(before).not.toContain(NEW_ANSWER);

    await page.goto(`${bot.app.url}/studio/?crisis=${CRISIS}`);

    await signInOnPage(page, COMMUNICATOR);

    // The entries, grouped by category; open drinking-water.
    const row = page.locator('#entry-groups [data-entry-id="drinking-water"] button');
    await row.waitFor(WAIT);
    expect(await page.getByLabel('Crisis').inputValue()).toBe(CRISIS);
    expect(await page.locator('#entry-groups .entry-group').count()).toBeGreaterThan(1);
    await row.click();
    await page.locator('#entry-heading', { hasText: 'drinking-water' }).waitFor(WAIT);
    // The crisis's four languages side by side.
    expect(await page.locator('#entry-languages .lang-col').count()).toBe(4);
    const dutchAnswer = page.getByLabel('Answer (Dutch)');
    expect(await dutchAnswer.inputValue()).toContain('leidingwater');
    expect(await page.getByLabel('Answer (French)').inputValue()).toContain('potable');

    await dutchAnswer.fill(NEW_ANSWER);
    await page.locator('#entry-dirty', { hasText: 'Unsaved changes' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Save entry' }).click();
    await page.locator('#status', { hasText: 'Saved “drinking-water”' }).waitFor(WAIT);
    expect(await page.locator('#status').getAttribute('data-kind')).toBe('info');
    await page.locator('#draft-state[data-changed="true"]').waitFor(WAIT);
    expect(await dutchAnswer.inputValue()).toBe(NEW_ANSWER);

    // The preview answers from the saved draft: the new Dutch text, before anything is published.
    await page.getByLabel('Ask as a citizen').fill('Is het kraanwater drinkbaar?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const preview = page.locator('#preview-result[data-faq-id="drinking-water"]');
    await preview.waitFor(WAIT);
    expect(await preview.locator('.preview-answer').textContent()).toBe(NEW_ANSWER);
    expect(await preview.textContent()).toMatch(/Confidence\d{1,3}%/);
    // Not published yet: the citizen still gets the old answer.
    expect(await citizenGets(bot, 'Is het kraanwater drinkbaar?', 'leidingwater')).not.toContain(NEW_ANSWER);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-editor.png') });

    // Publish with a note, from the keyboard.
    await page
      .getByLabel('Note (what changed, required)')
      .fill('Drinking water: bottled water only (studio test)');
    await page.getByRole('button', { name: 'Publish draft' }).focus();
    await page.keyboard.press('Enter');
    const published = page.locator('#publish-result', { hasText: /Published version \d+/ });
    await published.waitFor(WAIT);
    const version = Number(await published.getAttribute('data-version'));
    expect(version).toBeGreaterThan(1);
    await page.locator('#draft-state[data-changed="false"]').waitFor(WAIT);

    // The citizen, through the Bot Framework protocol, gets the new text.
    expect(await citizenGets(bot, 'Is het kraanwater drinkbaar?', NEW_ANSWER)).toContain(NEW_ANSWER);

    // History: the new version, its note and author, and what it changed.
    await page.getByRole('button', { name: 'History' }).click();
    const newest = page.locator(`#version-list [data-version="${version}"]`);
    await newest.waitFor(WAIT);
    expect(await newest.textContent()).toContain('Drinking water: bottled water only (studio test)');
    expect(await newest.locator('.badge.live').count()).toBe(1);
    await newest.getByRole('button', { name: `Version ${version}` }).click();
    const change = page.locator(
      '#diff-body .diff-entry[data-entry-id="drinking-water"] tr[data-field="answer"][data-lang="nl"]',
    );
    await change.waitFor(WAIT);
    expect(await change.locator('.after').textContent()).toBe(NEW_ANSWER);
    expect(await change.locator('.before').textContent()).toContain('leidingwater');
    expect(await page.getByRole('button', { name: 'Roll back to this version' }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'studio-history.png') });

    expect(pageErrors).toEqual([]);
  }, 90_000);

  it("never overwrites a colleague's save; shows import problems; exports; rolls back", async () => {
    // A reload keeps the session (the cookie) and the crisis (the page address).
    await page.reload();
    await page.locator('#user-name', { hasText: COMMUNICATOR.displayName }).waitFor(WAIT);
    await page.locator('#entry-groups [data-entry-id="schools"] button').click();
    await page.locator('#entry-heading', { hasText: 'schools' }).waitFor(WAIT);
    const mine = 'Mijn versie: de scholen blijven dicht (studiotest).';
    await page.getByLabel('Answer (Dutch)').fill(mine);

    // Meanwhile a colleague saves the same entry.
    await adminCreatesUser(bot.app.url, COLLEAGUE);
    const colleague = await new ApiClient(bot.app.url).login(COLLEAGUE.username, COLLEAGUE.password);
    const draft = await colleague.get<{ entries: { id: string; revision: number }[] }>(
      `/api/crises/${CRISIS}/draft`,
    );
    const read = draft.body.entries.find((e) => e.id === 'schools')!;
    const theirs = 'Hun versie: de scholen zijn morgen weer open (studiotest).';
    const saved = await colleague.put(`/api/crises/${CRISIS}/draft/entries/schools`, {
      answer: { ...(await answerOf(colleague, 'schools')), nl: theirs },
      revision: read.revision,
    });
    expect(saved.status).toBe(200);

    await page.getByRole('button', { name: 'Save entry' }).click();
    const conflict = page.locator('#conflict');
    await conflict.getByText('Someone else saved this entry since you opened it').waitFor(WAIT);
    expect(await conflict.textContent()).toContain(COLLEAGUE.username);
    // Nothing was overwritten: the colleague's text is what the draft holds.
    expect((await answerOf(colleague, 'schools')).nl).toBe(theirs);
    await page.getByRole('button', { name: 'Load their version' }).click();
    await page.waitForFunction(
      (text) => (document.getElementById('answer-nl') as HTMLTextAreaElement).value === text,
      theirs,
      WAIT,
    );
    // The user's own text stays readable, to copy from.
    await conflict.locator('dd', { hasText: mine }).waitFor(WAIT);

    // An invalid content file: every problem by its JSON path, and nothing changes.
    await page.getByLabel('Content file (.json)').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({ format: 'crisis-content/v1', crisis: { slug: CRISIS }, faqs: [] }),
      ),
    });
    await page.getByRole('button', { name: 'Import into draft' }).click();
    await page.locator('#confirm-dialog').getByRole('button', { name: 'Replace the draft' }).click();
    await page.locator('#status', { hasText: '“broken.json” was not imported' }).waitFor(WAIT);
    const problems = await page.locator('#status-details li').allTextContents();
    expect(problems.length).toBeGreaterThan(1);
    expect(problems.some((p) => p.startsWith('crisis.'))).toBe(true);
    expect((await answerOf(colleague, 'schools')).nl).toBe(theirs);

    // Export version 2 as a file.
    await page.getByLabel('Export version').selectOption('2');
    const [download] = await Promise.all([
      page.waitForEvent('download', WAIT),
      page.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${CRISIS}-v2.json`);
    const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as {
      crisis: { slug: string };
      faqs: { id: string; answer: Record<string, string> }[];
    };
    expect(exported.crisis.slug).toBe(CRISIS);
    expect(exported.faqs.find((f) => f.id === 'drinking-water')!.answer.nl).toBe(NEW_ANSWER);

    // Roll back to version 1, after confirming: the citizen gets the old answer again.
    await page.getByRole('button', { name: 'History' }).click();
    await page.locator('#version-list [data-version="1"]').getByRole('button', { name: 'Version 1' }).click();
    await page.getByRole('button', { name: 'Roll back to this version' }).click();
    const dialog = page.locator('#confirm-dialog');
    await dialog.getByLabel('Note (optional)').fill('Back to the shipped text');
    await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
    await page.locator('#status', { hasText: 'Rolled back: version 3' }).waitFor(WAIT);
    await page.locator('#version-list [data-version="3"] .badge.live').waitFor(WAIT);
    expect(await citizenGets(bot, 'Is het kraanwater drinkbaar?', 'leidingwater')).not.toContain(NEW_ANSWER);
    // The draft is the rolled-back content: the colleague's unpublished edit is gone from it.
    expect((await answerOf(colleague, 'schools')).nl).not.toBe(theirs);

    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('creates an entry with a link, moves it, edits the crisis details and deletes the entry', async () => {
    await page.getByRole('button', { name: 'New entry' }).click();
    await expectFocused(page, '#entry-id');
    await page.keyboard.type('pharmacy-hours');
    await page.getByLabel('Category').fill('health');
    await page.getByLabel('Question (Dutch)').fill('Zijn de apotheken open?');
    await page.getByLabel('Answer (Dutch)').fill('Ja, de apotheken zijn open van 9 tot 18 uur.');
    await page.getByLabel('Question (French)').fill('Les pharmacies sont-elles ouvertes ?');
    await page.getByLabel('Answer (French)').fill('Oui, de 9 à 18 heures.');
    await page.getByRole('button', { name: 'Add link' }).click();
    await page.getByLabel('Address').fill('https://example.org/apotheken');
    await page.getByLabel('Label NL (Dutch)').fill('Apotheken van wacht');
    await page.getByRole('button', { name: 'Create entry' }).click();
    await page.locator('#status', { hasText: 'Created the entry “pharmacy-hours”' }).waitFor(WAIT);
    const item = page.locator('#entry-groups [data-entry-id="pharmacy-hours"]');
    // German and English are missing, and the list says so.
    expect(await item.getAttribute('data-missing')).toBe('de en');
    const health = () =>
      page
        .locator('#entry-groups .entry-group', { has: page.locator('h3', { hasText: 'health' }) })
        .locator('[data-entry-id]')
        .evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.entryId));
    const ids = await health();
    expect(ids.at(-1)).toBe('pharmacy-hours');

    await page.getByRole('button', { name: 'Move up' }).click();
    await page.locator('#status', { hasText: 'Moved “pharmacy-hours” up' }).waitFor(WAIT);
    expect(await health()).toEqual([...ids.slice(0, -2), 'pharmacy-hours', ids.at(-2)]);

    await page.getByRole('button', { name: 'Crisis details' }).click();
    await page.getByLabel('Info number (shown to citizens)').fill('+32 800 99 999');
    await page.getByRole('button', { name: 'Save crisis details' }).click();
    await page.locator('#status', { hasText: 'Saved the crisis details' }).waitFor(WAIT);

    await item.getByRole('button').click();
    await page.locator('#entry-heading', { hasText: 'pharmacy-hours' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#confirm-dialog').getByRole('button', { name: 'Delete entry' }).click();
    await page.locator('#status', { hasText: 'Deleted “pharmacy-hours”' }).waitFor(WAIT);
    await item.waitFor({ state: 'detached', ...WAIT });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#status', { hasText: 'Signed out.' }).waitFor(WAIT);
    await expectFocused(page, '#username');
    expect(await page.locator('#studio-view').isHidden()).toBe(true);

    expect(pageErrors).toEqual([]);
  }, 60_000);
});

async function expectFocused(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => document.activeElement === document.querySelector(s), selector, WAIT);
}

async function answerOf(client: ApiClient, id: string): Promise<Record<string, string>> {
  const draft = await client.get<{ entries: { id: string; answer: Record<string, string> }[] }>(
    `/api/crises/${CRISIS}/draft`,
  );
  return draft.body.entries.find((e) => e.id === id)!.answer;
}
