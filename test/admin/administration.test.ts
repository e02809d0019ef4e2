import { AuditLogModel, CrisisModel } from '../../models';
import { ADMIN, ApiClient, adminEnv, enrolAuthenticator, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';

interface Account {
  id: string;
  username: string;
  roles: string[];
  disabled: boolean;
  lastSignInAt?: string;
}
interface AuditEntry {
  at: string;
  actor: string;
  actorName?: string;
  action: string;
  target: string;
  outcome: string;
}

/** What would give a secret away in an answer: any hash, sealed secret or their field names. */
function leaks(body: unknown): string[] {
  const text = JSON.stringify(body);
  return ['passwordHash', '$argon2', '"totp"', 'totpPending', '"iv"', '"tag"'].filter((s) =>
    text.includes(s),
  );
}

describe('administration of accounts and the audit log', () => {
  const bot = useTestBot(adminEnv);
  let admin: ApiClient;

  beforeAll(async () => {
    admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
  });

  it('lists accounts with their last sign-in and never a password hash or second-factor secret', async () => {
    const staff = await signedInStaff(bot.app.url, {
      roles: ['authority'],
      languages: ['nl'],
      authorityNis: '99001',
    });
    const { code } = await enrolAuthenticator(staff);
    expect((await staff.post('/api/me/totp/verify', { code: code() })).status).toBe(204);

    const list = await admin.get<{ users: Account[] }>('/api/users');
    expect(list.status).toBe(200);
    const account = list.body.users.find((u) => u.id === staff.userId)!;
    expect(account).toMatchObject({ username: staff.username, disabled: false, totpEnabled: true });
    expect(Date.now() - Date.parse(account.lastSignInAt!)).toBeLessThan(60_000);
    expect(leaks(list.body)).toEqual([]);
  });

  it('resets a password: the old one and every session of it stop working', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['fr'] });
    const path = `/api/users/${operator.userId}/password`;
    expect((await admin.put(path, { password: 'short' })).status).toBe(400);
    expect((await admin.put(path, { password: 'a-new-password-of-length' })).status).toBe(204);
    expect((await operator.get('/api/me')).status).toBe(401);
    await expect(new ApiClient(bot.app.url).login(operator.username, operator.password)).rejects.toThrow(
      'answered 401',
    );
    await new ApiClient(bot.app.url).login(operator.username, 'a-new-password-of-length');
    const reset = await AuditLogModel.find({
      action: 'user.password.reset',
      target: `user:${operator.userId}`,
    });
    expect(reset.map((e) => e.outcome)).toEqual(['allowed']);
  });

  it('disables an account (sessions end, sign-in refused) and enables it again', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['fr'] });
    const disabled = await admin.post<Account>(`/api/users/${operator.userId}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect((await operator.get('/api/me')).status).toBe(401);
    await expect(new ApiClient(bot.app.url).login(operator.username, operator.password)).rejects.toThrow(
      'answered 401',
    );
    const listed = (await admin.get<{ users: Account[] }>('/api/users')).body.users;
    expect(listed.find((u) => u.id === operator.userId)?.disabled).toBe(true);

    expect((await admin.post<Account>(`/api/users/${operator.userId}/enable`)).body.disabled).toBe(false);
    await new ApiClient(bot.app.url).login(operator.username, operator.password);

    const me = await admin.get<{ id: string }>('/api/me');
    expect((await admin.post(`/api/users/${me.body.id}/disable`)).status).toBe(409);
    expect((await admin.post('/api/users/000000000000000000000000/disable')).status).toBe(404);
  });

  it('shows the audit log filtered by actor, action, outcome and period', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['fr'] });
    const since = new Date().toISOString();
    await admin.post(`/api/users/${operator.userId}/disable`);
    await admin.post(`/api/users/${operator.userId}/enable`);
    const me = await admin.get<{ id: string }>('/api/me');

    const byAction = await admin.get<{ entries: AuditEntry[]; actions: string[] }>(
      `/api/audit?action=user.disable&target=user:${operator.userId}`,
    );
    expect(byAction.status).toBe(200);
    expect(byAction.body.entries).toEqual([
      expect.objectContaining({ actor: me.body.id, actorName: ADMIN.username, outcome: 'allowed' }),
    ]);
    expect(byAction.body.actions).toEqual(
      expect.arrayContaining(['user.create', 'user.disable', 'user.enable']),
    );

    const sinceThen = await admin.get<{ entries: AuditEntry[] }>(
      `/api/audit?actor=${me.body.id}&from=${encodeURIComponent(since)}&outcome=allowed`,
    );
    expect(sinceThen.body.entries.map((e) => e.action)).toEqual(['user.enable', 'user.disable']);

    const limited = await admin.get<{ entries: AuditEntry[]; more: boolean }>('/api/audit?limit=1');
    expect(limited.body.entries).toHaveLength(1);
    expect(limited.body.more).toBe(true);

    const bad = await admin.get<{ details: string[] }>('/api/audit?outcome=maybe&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.details).toHaveLength(2);
  });

  it('answers 403 to an operator or a communicator on every admin route, and audits each refusal', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['fr'] });
    const communicator = await signedInStaff(bot.app.url, {
      roles: ['communicator'],
      languages: ['nl'],
      authorityNis: '99001',
    });
    const someone = operator.userId;
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/users'],
      ['POST', '/api/users', { username: 'mallory', password: 'mallory-password', roles: ['admin'] }],
      ['PUT', `/api/users/${someone}/password`, { password: 'mallory-password' }],
      ['POST', `/api/users/${someone}/disable`],
      ['POST', `/api/users/${someone}/enable`],
      ['POST', `/api/users/${someone}/totp/reset`],
      ['GET', '/api/audit'],
      ['POST', '/api/authorities', { nisCode: '11111', name: 'X', languages: ['nl'] }],
      ['PUT', '/api/authorities/99001', { name: 'X', languages: ['nl'] }],
    ];
    for (const caller of [operator, communicator]) {
      for (const [method, path, body] of routes) {
        const res = await caller.request(method, path, method === 'GET' ? undefined : (body ?? {}));
        expect([method, path, res.status]).toEqual([method, path, 403]);
      }
      const refusals = await AuditLogModel.find({ actor: caller.userId, outcome: 'refused' }).lean();
      expect(refusals.map((e) => e.target).sort()).toEqual(
        [
          'route:GET /api/users',
          'route:POST /api/users',
          'route:PUT /api/users/:id/password',
          'route:POST /api/users/:id/disable',
          'route:POST /api/users/:id/enable',
          'route:POST /api/users/:id/totp/reset',
          'route:GET /api/audit',
          'route:POST /api/authorities',
          'route:PUT /api/authorities/:nisCode',
        ].sort(),
      );
    }
  });

  it("shows an authority user only its own authority's crises, and audits a reach for another's", async () => {
    // Ended ones: the live content has nothing to load for them.
    const ended = { status: 'inactive' as const, languages: ['nl'], liveVersion: 1, activatedAt: new Date() };
    await CrisisModel.create([
      { slug: 'own-crisis', authorityNis: '99001', ...ended },
      { slug: 'their-crisis', authorityNis: '21004', ...ended },
    ]);
    const authority = await signedInStaff(bot.app.url, {
      roles: ['authority'],
      languages: ['nl'],
      authorityNis: '99001',
    });
    const seen = await authority.get<{ crises: { slug: string }[] }>('/api/crises');
    const slugs = seen.body.crises.map((c) => c.slug);
    expect(slugs).toContain('own-crisis');
    expect(slugs).not.toContain('their-crisis');

    expect((await authority.post('/api/crises/their-crisis/deactivate', {})).status).toBe(404);
    expect(
      (
        await authority.post('/api/crises', {
          authorityNis: '21004',
          title: { nl: 'X' },
          languages: ['nl'],
          infoNumber: '+32 800 11 444',
          template: 'flood',
        })
      ).status,
    ).toBe(403);
    const period = 'from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';
    expect((await authority.get(`/api/reports/authority/21004?${period}`)).status).toBe(404);
    expect((await authority.get('/api/reports/activation/their-crisis')).status).toBe(404);
    const expected = [
      ['crisis.access', 'crisis:their-crisis'],
      ['crisis.activate', 'authority:21004'],
      ['report.access', 'authority:21004'],
      ['report.access', 'authority:21004'],
    ];
    // A report's refusal is written beside the answer, not before it: wait for it, within bounds.
    const deadline = Date.now() + 10_000;
    let refusals: string[][];
    do {
      const found = await AuditLogModel.find({ actor: authority.userId, outcome: 'refused' }).lean();
      refusals = found.map((e) => [e.action, e.target]);
    } while (refusals.length < expected.length && Date.now() < deadline);
    expect(refusals.sort()).toEqual(expected.sort());
  });
});
