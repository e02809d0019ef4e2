import { TOTP } from 'otpauth';
import { AuditLogModel } from '../../models';
import { ADMIN, ApiClient, adminEnv, signedInStaff, withinOneSignInWindow } from '../helpers/api';
import { useTestBot } from '../helpers/bot';

const LIMIT = 3;

type Enrolment = { secret: string; otpauthUri: string };
type Staff = Awaited<ReturnType<typeof signedInStaff>>;

/** The code of `secret` for the time step `offset` steps away. */
const codeOf = (secret: string, offset = 0) =>
  new TOTP({ secret, digits: 6, period: 30 }).generate({ timestamp: Date.now() + offset * 30_000 });
const wrongOf = (code: string) => code.replace(/.$/, (d) => String((Number(d) + 5) % 10));

/**
 * Resolves once the current time step has at least `margin` ms left (at once, most of the time):
 * a code of the previous step made now is still inside the server's window when it checks it,
 * even on a busy machine, instead of two steps old.
 */
async function clearOfStepEnd(margin = 10_000): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

/**
 * Enrols and confirms a first factor with the password; answers its secret. The confirmation uses
 * the previous step's code, so that the current and the next one are left for the test (a code
 * works once).
 */
async function enrolled(user: Staff): Promise<string> {
  const enrol = await user.post<Enrolment>('/api/me/totp', { password: user.password });
  expect(enrol.status).toBe(200);
  await clearOfStepEnd();
  expect((await user.post('/api/me/totp/verify', { code: codeOf(enrol.body.secret, -1) })).status).toBe(204);
  return enrol.body.secret;
}

describe('the second factor', () => {
  const bot = useTestBot({ ...adminEnv, SIGNIN_MAX_FAILURES: String(LIMIT) });
  const staff = () => signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });

  it('cannot be enrolled or replaced with a session alone: the password, then a current code, are needed', async () => {
    const user = await staff();
    expect((await user.post('/api/me/totp')).status).toBe(400);
    expect((await user.post('/api/me/totp', { password: 'not-the-password' })).status).toBe(403);
    const secret = await enrolled(user);

    // A stolen session (and even the password) does not replace the factor.
    const withoutCode = await user.post('/api/me/totp', { password: user.password });
    expect(withoutCode.status).toBe(403);
    expect(withoutCode.body).toEqual({ error: expect.stringMatching(/code of your current second factor/) });
    const wrongCode = await user.post('/api/me/totp', {
      password: user.password,
      code: wrongOf(codeOf(secret)),
    });
    expect(wrongCode.status).toBe(401);
    expect(wrongCode.body).not.toHaveProperty('secret');

    // With both, a new secret is pending; the old one stays the factor until the new one is confirmed.
    const replaced = await user.post<Enrolment>('/api/me/totp', {
      password: user.password,
      code: codeOf(secret),
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.secret).not.toBe(secret);
    const again = await user.post('/api/me/totp', { password: user.password, code: codeOf(secret, 1) });
    expect(again.status).toBe(200);
    const next = (again.body as unknown as Enrolment).secret;
    expect((await user.post('/api/me/totp/verify', { code: codeOf(replaced.body.secret) })).status).toBe(400);
    expect((await user.post('/api/me/totp/verify', { code: codeOf(next) })).status).toBe(204);
    // The old secret no longer opens anything; the new one does.
    expect(
      (await user.post('/api/me/totp', { password: user.password, code: codeOf(secret, -1) })).status,
    ).toBe(401);
    expect((await user.post('/api/me/totp', { password: user.password, code: codeOf(next, 1) })).status).toBe(
      200,
    );
  });

  it('limits wrong codes per user like passwords: past the limit even the right code waits', async () => {
    const user = await staff();
    const secret = await enrolled(user);
    const wrong = wrongOf(codeOf(secret));
    await withinOneSignInWindow();
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () => user.post('/api/me/totp', { password: user.password, code: wrong })),
    ).then((answers) => answers.map((a) => a.status));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(12 - LIMIT);

    const right = await user.post('/api/me/totp', { password: user.password, code: codeOf(secret) });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('is reset by an administrator only, and the user sees every enrolment and reset', async () => {
    const user = await staff();
    await enrolled(user);
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    expect((await user.post(`/api/users/${user.userId}/totp/reset`)).status).toBe(403);
    expect((await admin.post('/api/users/000000000000000000000000/totp/reset')).status).toBe(404);
    expect((await admin.post(`/api/users/${user.userId}/totp/reset`)).status).toBe(204);
    expect((await user.get('/api/me')).body).toMatchObject({ totpEnabled: false });

    // After a reset the password alone enrols again.
    await enrolled(user);
    expect(
      await AuditLogModel.countDocuments({
        target: `user:${user.userId}`,
        action: 'totp.reset',
        outcome: 'allowed',
      }),
    ).toBe(1);
    const history = await user.get<{ events: { action: string; outcome: string; by: string }[] }>(
      '/api/me/totp/events',
    );
    expect(history.status).toBe(200);
    expect(history.body.events.map(({ action, outcome, by }) => `${action} ${outcome} ${by}`)).toEqual([
      'totp.confirm allowed you',
      'totp.enrol allowed you',
      'totp.reset allowed administrator',
      'totp.confirm allowed you',
      'totp.enrol allowed you',
    ]);
  });

  it('audits refused enrolments too, and shows them to the user', async () => {
    const user = await staff();
    expect((await user.post('/api/me/totp', { password: 'a-wrong-password' })).status).toBe(403);
    const history = await user.get<{ events: { action: string; outcome: string }[] }>('/api/me/totp/events');
    expect(history.body.events).toEqual([
      expect.objectContaining({ action: 'totp.enrol', outcome: 'refused' }),
    ]);
  });
});
