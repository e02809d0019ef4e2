import type { Browser, Page } from 'playwright-core';
import { purgeExpiredIntakes } from '../../handoff';
import { TicketModel } from '../../models';
import { adminCreatesUser, adminEnv } from '../helpers/api';
import { startTestBot, type TestBot } from '../helpers/bot';
import { closeBrowsersAndBot, openLaptopPage, signInOnPage } from '../helpers/browser';
import { silentLogger } from '../helpers/db';
import { crisisReplyOf } from '../helpers/testChannel';

const OPERATOR = {
  username: 'cyril',
  password: 'cyril-operator-password',
  displayName: 'Cyril',
  roles: ['operator'],
  languages: ['en'],
};
const WAIT = { timeout: 15_000 };
const DAY_MS = 86_400_000;

describe('a callback in the operator console after retention deleted its number', () => {
  let bot: TestBot;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bot = await startTestBot(adminEnv);
    await adminCreatesUser(bot.app.url, OPERATOR);
    ({ browser, page } = await openLaptopPage());
  }, 60_000);

  afterAll(() => closeBrowsersAndBot([browser], bot));

  it('says the number is gone and still offers to close the callback as done', async () => {
    // Nobody is online: the citizen is offered a callback and leaves a number.
    const citizen = bot.channel.conversation();
    const offer = (await citizen.say('I want to talk to a person')).find((a) => a.type === 'message')!;
    expect(crisisReplyOf(offer)).toMatchObject({ kind: 'handoff' });
    await citizen.say('Call me back');
    await citizen.say('+32 470 65 43 21');
    const ticket = await TicketModel.findOne({ conversationId: citizen.id }).lean();
    expect(ticket).toMatchObject({ reason: 'callback' });

    // Nobody called within the retention period: the hourly job deletes the number.
    const purgedAt = new Date(Date.now() + 31 * DAY_MS);
    await purgeExpiredIntakes({ now: purgedAt, retentionDays: 30, logger: silentLogger });

    await page.goto(`${bot.app.url}/console`);
    await signInOnPage(page, OPERATOR);
    await page.locator('#queue-list li[data-state="waiting"]').getByRole('button', { name: 'Claim' }).click();
    const callback = page.locator('#callback');
    await callback.getByText('The number was deleted on').waitFor(WAIT);
    expect(await page.locator('#callback-number').isHidden()).toBe(true);
    expect(await page.locator('#callback-deleted-at').getAttribute('datetime')).toBe(purgedAt.toISOString());
    expect(await page.getByLabel('Outcome').inputValue()).toBe('callback-done');

    await page.getByRole('button', { name: 'Close ticket' }).click();
    await page.locator('#no-ticket').waitFor(WAIT);
    expect(await TicketModel.findById(ticket!._id).lean()).toMatchObject({
      state: 'closed',
      outcome: 'callback-done',
    });
  });
});
