import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { AttemptBudgets, type GrantedAttempt } from '../../admin/attemptBudget';
import { connectDatabase, disconnectDatabase } from '../../embedded';
import { ADMIN, adminEnv, ApiClient, withinOneSignInWindow } from '../helpers/api';
import { spawnBot, startTestBot, type BotProcess, type TestBot } from '../helpers/bot';
import { silentLogger, useTestDatabase } from '../helpers/db';

const LIMIT = 5;

async function login(baseUrl: string, username: string, password: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await res.text();
  return res.status;
}

describe('attempt budgets in the database', () => {
  useTestDatabase();

  it('grant exactly their points to 40 parallel attempts, and a success gives them back', async () => {
    const budgets = new AttemptBudgets('budgettest', 600);
    const key = { name: `user:${randomUUID()}`, points: LIMIT };
    const attempts = await Promise.all(Array.from({ length: 40 }, () => budgets.attempt([key])));
    const granted = attempts.filter((a): a is GrantedAttempt => a.granted);
    expect(granted).toHaveLength(LIMIT);
    for (const refused of attempts.filter((a) => !a.granted)) {
      expect(!refused.granted && refused.retryAfterSeconds).toBeGreaterThan(0);
      expect(!refused.granted && refused.retryAfterSeconds).toBeLessThanOrEqual(600);
    }

    await granted[0]!.succeeded();
    const again = await Promise.all(Array.from({ length: 40 }, () => budgets.attempt([key])));
    expect(again.filter((a) => a.granted)).toHaveLength(LIMIT);
  });

  it('take nothing from one budget when another is spent', async () => {
    const budgets = new AttemptBudgets('budgettest', 600);
    const spent = { name: `user:${randomUUID()}`, points: 1 };
    const roomy = { name: `address:${randomUUID()}`, points: 2 };
    expect((await budgets.attempt([spent, roomy])).granted).toBe(true);
    for (let i = 0; i < 5; i++) expect((await budgets.attempt([spent, roomy])).granted).toBe(false);
    // The refused tries gave their address points back: one is left.
    expect((await budgets.attempt([{ name: `user:${randomUUID()}`, points: 1 }, roomy])).granted).toBe(true);
    expect((await budgets.attempt([{ name: `user:${randomUUID()}`, points: 1 }, roomy])).granted).toBe(false);
  });
});

describe('sign-in limits', () => {
  let bot: TestBot;
  let other: BotProcess;

  beforeAll(async () => {
    bot = await startTestBot({ ...adminEnv, SIGNIN_MAX_FAILURES: String(LIMIT) });
    // A second process on the same database: limits must hold across both.
    other = await spawnBot(bot.env);
  }, 90_000);

  afterAll(async () => {
    await other?.kill();
    await bot?.stop();
    await connectDatabase(bot.env.MONGODB_URI!, silentLogger);
    await mongoose.connection.dropDatabase();
    await disconnectDatabase();
  });

  it('checks at most the limit of 40 parallel sign-ins of one user, the right password among them', async () => {
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    const username = `target-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const created = await admin.post('/api/users', {
      username,
      password,
      roles: ['operator'],
      languages: ['en'],
    });
    expect(created.status).toBe(201);

    // The right password comes last: before, every try was checked against a budget none had spent yet.
    const tries = [...Array.from({ length: 39 }, (_, i) => `wrong-${i}`), password];
    const statuses = await Promise.all(tries.map((p) => login(bot.app.url, username, p)));
    const checked = statuses.filter((s) => s !== 429);
    expect(checked.length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40 - LIMIT);
    expect(statuses.every((s) => [200, 401, 429].includes(s))).toBe(true);
  });

  it('counts failures in the database: the second process refuses a user the first one saw fail', async () => {
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    const username = `shared-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    expect(
      (await admin.post('/api/users', { username, password, roles: ['operator'], languages: ['en'] })).status,
    ).toBe(201);
    await withinOneSignInWindow();
    for (let i = 0; i < LIMIT; i++) expect(await login(bot.app.url, username, `wrong-${i}`)).toBe(401);
    expect(await login(other.url, username, password)).toBe(429);
    expect(await login(bot.app.url, username, password)).toBe(429);
  });
});
