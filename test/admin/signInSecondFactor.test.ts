import { AuditLogModel, SessionModel } from '../../models';
import {
  ADMIN,
  ApiClient,
  adminEnv,
  authorityUser,
  signedInStaff,
  withinOneSignInWindow,
} from '../helpers/api';
import { useTestBot } from '../helpers/bot';

const LIMIT = 3;
/** Short enough to see a window end within the test, long enough for a loaded machine's next request. */
const FRESH_MINUTES = 0.2;
const NIS = '21005';

type Authority = Awaited<ReturnType<typeof authorityUser>>;
type Me = { secondFactorFreshUntil?: string; totpEnabled: boolean };
type Login = { token?: string; user?: Me; error?: string; secondFactorRequired?: boolean };

const activation = (title: string, totp?: string) => ({
  title: { nl: title },
  languages: ['nl'],
  infoNumber: '+32 800 11 777',
  template: 'flood',
  ...(totp ? { totp } : {}),
});
const wrongOf = (code: string) => code.replace(/.$/, (d) => String((Number(d) + 5) % 10));

/** Polls `GET /api/me` until the session is no longer fresh (its window ended on the server). */
async function until(client: ApiClient, stillFresh: (me: Me) => boolean): Promise<void> {
  const deadline = Date.now() + FRESH_MINUTES * 60_000 + 20_000;
  while (stillFresh((await client.get<Me>('/api/me')).body)) {
    if (Date.now() > deadline) throw new Error('the fresh window did not end');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('signing in with the second factor', () => {
  const bot = useTestBot({
    ...adminEnv,
    SIGNIN_MAX_FAILURES: String(LIMIT),
    SECOND_FACTOR_FRESH_MINUTES: String(FRESH_MINUTES),
  });
  const signIn = (authority: Authority, totp?: string) =>
    new ApiClient(bot.app.url).post<Login>('/api/auth/login', {
      username: authority.username,
      password: authority.password,
      ...(totp ? { totp } : {}),
    });
  const signedIn = (authority: Authority, answer: { body: Login }) =>
    Object.assign(new ApiClient(bot.app.url, answer.body.token), { code: authority.code });

  beforeAll(async () => {
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    expect(
      (await admin.post('/api/authorities', { nisCode: NIS, name: 'Testwijk', languages: ['nl'] })).status,
    ).toBe(201);
  });

  it('asks an enrolled account for a code, refuses wrong and reused ones, and audits each decision', async () => {
    const authority = await authorityUser(bot.app.url, NIS);
    const withoutCode = await signIn(authority);
    expect(withoutCode.status).toBe(401);
    expect(withoutCode.body).toEqual({
      error: 'a code from your authenticator app is required',
      secondFactorRequired: true,
    });
    expect(withoutCode.headers.get('set-cookie')).toBeNull();

    const wrong = await signIn(authority, wrongOf(authority.code()));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'wrong or expired code', secondFactorRequired: true });
    expect(wrong.body).not.toHaveProperty('token');

    const code = authority.code();
    const right = await signIn(authority, code);
    expect(right.status).toBe(200);
    expect(Date.parse(right.body.user!.secondFactorFreshUntil!)).toBeGreaterThan(Date.now());
    const replay = await signIn(authority, code);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: 'this code was already used', secondFactorRequired: true });

    const audited = await AuditLogModel.find({ action: 'signin.totp', target: `user:${authority.userId}` })
      .sort({ at: 1 })
      .lean();
    expect(
      audited.map((a) => `${a.outcome} ${(a.details as { reason?: string } | undefined)?.reason ?? ''}`),
    ).toEqual(['refused wrong or expired code', 'allowed ', 'refused this code was already used']);
  });

  it('counts wrong codes at sign-in in the sign-in limits: past them even the right code waits', async () => {
    const authority = await authorityUser(bot.app.url, NIS);
    await withinOneSignInWindow();
    for (let i = 0; i < LIMIT; i++)
      expect((await signIn(authority, wrongOf(authority.code()))).status).toBe(401);
    const right = await signIn(authority, authority.code());
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('signs in accounts without a second factor as before, with no fresh window', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['nl'] });
    const answer = await new ApiClient(bot.app.url).post<Login>('/api/auth/login', {
      username: operator.username,
      password: operator.password,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.user).not.toHaveProperty('secondFactorFreshUntil');
  });

  it('opens a service without a new code right after a sign-in with one, and asks one again once the window ends', async () => {
    const authority = await authorityUser(bot.app.url, NIS);
    // Signed in with the password before enrolling: that session proved no factor.
    const stale = await authority.post('/api/crises', activation('Zonder code'));
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ secondFactorRequired: true });

    const session = signedIn(authority, await signIn(authority, authority.code()));
    const opened = await session.post<{ slug: string }>('/api/crises', activation('Vers aangemeld'));
    expect(opened.status).toBe(201);
    // A code given is checked even in the window.
    expect(
      (await session.post('/api/crises', activation('Foute code', wrongOf(authority.code(1))))).status,
    ).toBe(401);

    await until(session, (me) => Boolean(me.secondFactorFreshUntil));
    const after = await session.post('/api/crises', activation('Na het venster'));
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ secondFactorRequired: true });
    expect((await session.post('/api/crises', activation('Met nieuwe code', authority.code(1)))).status).toBe(
      201,
    );
  });

  it('ends a service without a new code right after a sign-in with one', async () => {
    const authority = await authorityUser(bot.app.url, NIS);
    const created = await authority.post<{ slug: string }>(
      '/api/crises',
      activation('Te beëindigen', authority.code()),
    );
    expect(created.status).toBe(201);
    const session = signedIn(authority, await signIn(authority, authority.code(1)));
    const ended = await session.post<{ status: string }>(`/api/crises/${created.body.slug}/deactivate`, {});
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('inactive');
  });

  it('forgets the fresh sign-ins of a user whose factor an administrator removes', async () => {
    const authority = await authorityUser(bot.app.url, NIS);
    const session = signedIn(authority, await signIn(authority, authority.code()));
    const verified = { userId: authority.userId, secondFactorAt: { $exists: true } };
    expect(await SessionModel.countDocuments(verified)).toBe(1);
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    expect((await admin.post(`/api/users/${authority.userId}/totp/reset`)).status).toBe(204);
    expect(await SessionModel.countDocuments(verified)).toBe(0);
    expect((await session.get<Me>('/api/me')).body).not.toHaveProperty('secondFactorFreshUntil');
  });
});
