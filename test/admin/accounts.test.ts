import { createHash, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import pino from 'pino';
import { startApp, type App } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { ADMIN, adminEnv, ApiClient, signedInStaff, withinOneSignInWindow } from '../helpers/api';
import { testEnv, useTestBot } from '../helpers/bot';

const users = () => mongoose.connection.db!.collection('users');
/** The raw sessions collection: `_id` is the SHA-256 hex of the token. */
const sessions = () =>
  mongoose.connection.db!.collection<{ _id: string; userId: string; expiresAt: Date }>('sessions');
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

interface UserBody {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  languages: string[];
  presence: string;
}

/** Signs in with a raw fetch, to see the headers (Set-Cookie) the API client does not keep. */
async function rawLogin(baseUrl: string, username: string, password: string) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined,
  };
}

/** GET /api/me with the session in the cookie only (no Authorization header). */
async function meWithCookie(baseUrl: string, token: string) {
  const res = await fetch(`${baseUrl}/api/me`, { headers: { cookie: `ccb_session=${token}` } });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

/** Creates an account through the admin API and returns its credentials (not signed in). */
async function createAccount(admin: ApiClient, roles: string[] = ['operator'], languages = ['en']) {
  const username = uniqueName('acct');
  const password = `pw-${randomUUID()}`;
  const created = await admin.post<UserBody>('/api/users', { username, password, roles, languages });
  expect(created.status).toBe(201);
  return { username, password, id: created.body.id };
}

describe('accounts, sessions and roles through the operator API', () => {
  const bot = useTestBot({ ...adminEnv, SIGNIN_MAX_FAILURES: '3' });
  let admin: ApiClient;

  beforeAll(async () => {
    admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
  });

  describe('sign-in', () => {
    it('refuses a wrong password with 401 and changes nothing; an unknown username gets the same answer', async () => {
      const account = await createAccount(admin);
      const userBefore = await users().findOne({ username: account.username });
      const sessionsBefore = await sessions().countDocuments();

      const wrong = await rawLogin(bot.app.url, account.username, `${account.password}-not`);
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ error: 'wrong username or password' });
      expect(wrong.headers.get('set-cookie')).toBeNull();

      const unknown = await rawLogin(bot.app.url, uniqueName('nobody'), account.password);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(unknown.headers.get('set-cookie')).toBeNull();

      // No session was opened and the account is exactly as it was.
      expect(await sessions().countDocuments()).toBe(sessionsBefore);
      expect(await users().findOne({ username: account.username })).toEqual(userBefore);
      // The right password still works: one failure locks nothing.
      expect((await rawLogin(bot.app.url, account.username, account.password)).status).toBe(200);
    });

    it('locks a username out after SIGNIN_MAX_FAILURES failures, even for the right password, but not another username', async () => {
      const account = await createAccount(admin);
      await withinOneSignInWindow();
      for (let i = 0; i < 3; i++) {
        const failed = await rawLogin(bot.app.url, account.username, `wrong-password-${i}`);
        expect(failed.status).toBe(401);
      }
      const sessionsBefore = await sessions().countDocuments();

      const locked = await rawLogin(bot.app.url, account.username, account.password);
      expect(locked.status).toBe(429);
      expect(locked.body).not.toHaveProperty('token');
      expect(locked.headers.get('set-cookie')).toBeNull();
      const retryAfter = Number(locked.headers.get('retry-after'));
      // SIGNIN_WINDOW_MINUTES defaults to 15 minutes.
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(await sessions().countDocuments()).toBe(sessionsBefore);

      // Still locked on the next try: the 429 did not reset anything.
      expect((await rawLogin(bot.app.url, account.username, account.password)).status).toBe(429);

      // The same address may still sign in as someone else: its budget is four times larger.
      const other = await createAccount(admin);
      const allowed = await rawLogin(bot.app.url, other.username, other.password);
      expect(allowed.status).toBe(200);
      expect(typeof allowed.body?.token).toBe('string');
    });

    it('stores passwords only as argon2id hashes', async () => {
      const account = await createAccount(admin);
      const doc = await users().findOne({ username: account.username });
      expect(doc).not.toBeNull();
      const hash = doc!.passwordHash as unknown;
      expect(typeof hash).toBe('string');
      expect(hash as string).toMatch(/^\$argon2id\$/);
      expect(hash as string).not.toContain(account.password);
      // Nowhere in the document, under any field.
      expect(JSON.stringify(doc)).not.toContain(account.password);
      expect(doc).not.toHaveProperty('password');

      // Nor in any answer of the API about it.
      const listed = await admin.get<{ users: UserBody[] }>('/api/users');
      expect(listed.status).toBe(200);
      const mine = listed.body.users.find((u) => u.username === account.username);
      // Administrators also see whether it is disabled and when it was created and last used.
      const dates = ['lastSignInAt', 'lastSeenAt'].filter((key) => key in mine!);
      expect(Object.keys(mine!).sort()).toEqual(
        [
          ...['displayName', 'id', 'languages', 'presence', 'roles', 'totpEnabled', 'username'],
          ...['disabled', 'createdAt', ...dates],
        ].sort(),
      );
      expect(JSON.stringify(listed.body)).not.toContain('$argon2');
    });
  });

  describe('sessions', () => {
    it('accepts the token as Bearer and as an HttpOnly, SameSite=Strict cookie; keeps only its SHA-256', async () => {
      const account = await createAccount(admin);
      const login = await rawLogin(bot.app.url, account.username, account.password);
      expect(login.status).toBe(200);
      const token = login.body!.token as string;
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect(login.body!.user).toMatchObject({ id: account.id, username: account.username });

      const cookie = login.headers.get('set-cookie') ?? '';
      expect(cookie.startsWith(`ccb_session=${token};`)).toBe(true);
      const attributes = cookie
        .split(';')
        .slice(1)
        .map((a) => a.trim().toLowerCase());
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=strict');

      const bearer = await new ApiClient(bot.app.url, token).get<UserBody>('/api/me');
      expect(bearer.status).toBe(200);
      expect(bearer.body).toMatchObject({ id: account.id, username: account.username });
      const viaCookie = await meWithCookie(bot.app.url, token);
      expect(viaCookie.status).toBe(200);
      expect(viaCookie.body).toMatchObject({ id: account.id, username: account.username });

      // The database holds the hash of the token, never the token.
      const stored = await sessions().findOne({ _id: sha256(token) });
      expect(stored).toMatchObject({ userId: account.id });
      expect(JSON.stringify(await sessions().find().toArray())).not.toContain(token);
    });

    it('ends the session on logout: neither the Bearer token nor the cookie works afterwards', async () => {
      const account = await createAccount(admin);
      const client = await new ApiClient(bot.app.url).login(account.username, account.password);
      const token = client.token!;
      expect((await client.get('/api/me')).status).toBe(200);

      const out = await client.post('/api/auth/logout');
      expect(out.status).toBe(204);
      expect(await sessions().findOne({ _id: sha256(token) })).toBeNull();
      expect((await client.get('/api/me')).status).toBe(401);
      expect((await meWithCookie(bot.app.url, token)).status).toBe(401);
    });

    it('refuses an expired session', async () => {
      const account = await createAccount(admin);
      const client = await new ApiClient(bot.app.url).login(account.username, account.password);
      const id = sha256(client.token!);
      expect((await client.get('/api/me')).status).toBe(200);

      const moved = await sessions().updateOne(
        { _id: id },
        { $set: { expiresAt: new Date(Date.now() - 60_000) } },
      );
      expect(moved.matchedCount).toBe(1);
      const refused = await client.get('/api/me');
      expect(refused.status).toBe(401);
      expect(refused.body).not.toHaveProperty('username');
      expect((await meWithCookie(bot.app.url, client.token!)).status).toBe(401);
      // Still refused on the next call, and not brought back to life.
      expect((await client.get('/api/queues')).status).toBe(401);
    });

    it('refuses a made-up token', async () => {
      const forged = new ApiClient(bot.app.url, randomUUID());
      expect((await forged.get('/api/me')).status).toBe(401);
      expect((await meWithCookie(bot.app.url, randomUUID())).status).toBe(401);
    });
  });

  describe('password change', () => {
    it('needs the current password, and signs the user out everywhere else', async () => {
      const account = await createAccount(admin);
      const here = await new ApiClient(bot.app.url).login(account.username, account.password);
      const elsewhere = await new ApiClient(bot.app.url).login(account.username, account.password);
      const next = `new-${randomUUID()}`;

      expect(
        (await here.put('/api/me/password', { current: 'not-the-password', password: next })).status,
      ).toBe(403);
      expect(
        (await here.put('/api/me/password', { current: account.password, password: 'short' })).status,
      ).toBe(400);
      expect((await rawLogin(bot.app.url, account.username, account.password)).status).toBe(200);

      expect((await here.put('/api/me/password', { current: account.password, password: next })).status).toBe(
        204,
      );
      expect((await rawLogin(bot.app.url, account.username, account.password)).status).toBe(401);
      expect((await rawLogin(bot.app.url, account.username, next)).status).toBe(200);
      expect((await here.get('/api/me')).status).toBe(200);
      expect((await elsewhere.get('/api/me')).status).toBe(401);
    });
  });

  describe('roles, checked on the server', () => {
    it('answers 401 without a session', async () => {
      const anonymous = new ApiClient(bot.app.url);
      for (const path of ['/api/me', '/api/queues', '/api/users']) {
        const res = await anonymous.get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
      const name = uniqueName('anon-made');
      const create = await anonymous.post('/api/users', {
        username: name,
        password: 'long-enough-password',
        roles: ['admin'],
        languages: [],
      });
      expect(create.status).toBe(401);
      expect(await users().countDocuments({ username: name })).toBe(0);
    });

    it('keeps an operator out of the user admin', async () => {
      const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
      expect((await operator.get('/api/me')).status).toBe(200);
      const list = await operator.get('/api/users');
      expect(list.status).toBe(403);
      expect(list.body).not.toHaveProperty('users');
      const name = uniqueName('op-made');
      const create = await operator.post('/api/users', {
        username: name,
        password: 'long-enough-password',
        roles: ['admin'],
        languages: [],
      });
      expect(create.status).toBe(403);
      expect(await users().countDocuments({ username: name })).toBe(0);
    });

    it('keeps a communicator away from the queues, claims and the event stream', async () => {
      const communicator = await signedInStaff(bot.app.url, {
        roles: ['communicator'],
        languages: ['en'],
        authorityNis: '99999',
      });
      expect((await communicator.get('/api/me')).status).toBe(200);
      // A waiting ticket exists, so a 204 "nothing waiting" could not pass for a refusal.
      const citizen = bot.channel.conversation();
      await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
      await citizen.say('I want to talk to a person');
      const waiting = await mongoose.connection
        .db!.collection('tickets')
        .findOne({ conversationId: citizen.id });
      expect(waiting).toMatchObject({ state: 'waiting', queue: 'd5' });

      const queues = await communicator.get('/api/queues');
      expect(queues.status).toBe(403);
      expect(queues.body).not.toHaveProperty('tickets');
      const claim = await communicator.post('/api/tickets/claim-next');
      expect(claim.status).toBe(403);
      const events = await communicator.get('/api/events');
      expect(events.status).toBe(403);
      expect(
        await mongoose.connection.db!.collection('tickets').findOne({ conversationId: citizen.id }),
      ).toMatchObject({ state: 'waiting', version: waiting!.version });
    });

    it('lets an admin create a user, once per username', async () => {
      const username = uniqueName('new');
      const body = {
        username,
        password: 'exactly12chr',
        displayName: 'New Colleague',
        roles: ['operator', 'd2-agent'],
        languages: ['fr', 'nl'],
      };
      const created = await admin.post<UserBody>('/api/users', body);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        username,
        displayName: 'New Colleague',
        roles: ['operator', 'd2-agent'],
        languages: ['fr', 'nl'],
        presence: 'away',
        totpEnabled: false,
      });
      expect((await new ApiClient(bot.app.url).login(username, 'exactly12chr')).token).toBeDefined();

      const again = await admin.post('/api/users', { ...body, password: 'another-long-password' });
      expect(again.status).toBe(409);
      expect(await users().countDocuments({ username })).toBe(1);
      // The first account's password was not replaced.
      expect((await rawLogin(bot.app.url, username, 'another-long-password')).status).toBe(401);
      expect((await rawLogin(bot.app.url, username, 'exactly12chr')).status).toBe(200);
    });

    it.each([
      ['a password shorter than 12 characters', { password: 'elevenchars' }, 'password'],
      ['an unknown role', { roles: ['superuser'] }, 'roles'],
      ['an unknown language', { languages: ['es'] }, 'languages'],
      ['an extra field', { passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$x$y' }, 'passwordHash'],
      ['no role at all', { roles: [] }, 'roles'],
    ])('refuses %s with 400 and details, creating nothing', async (_what, change, named) => {
      const username = uniqueName('bad');
      const res = await admin.post<{ error: string; details?: string[] }>('/api/users', {
        username,
        password: 'long-enough-password',
        roles: ['operator'],
        languages: ['en'],
        ...change,
      });
      expect(res.status).toBe(400);
      expect(Array.isArray(res.body.details)).toBe(true);
      expect(res.body.details!.length).toBeGreaterThan(0);
      expect(res.body.details!.join('\n')).toContain(named);
      expect(await users().countDocuments({ username })).toBe(0);
    });
  });
});

describe('the per-address sign-in budget', () => {
  const bot = useTestBot({ ...adminEnv, SIGNIN_MAX_FAILURES: '2' });

  it('is four times the per-username budget, and then refuses everyone from that address', async () => {
    // Two failures per made-up username (their own limit), over four usernames: 8 = 4 x 2.
    const names = [1, 2, 3, 4].map(() => uniqueName('guess'));
    await withinOneSignInWindow();
    let failures = 0;
    for (const name of names) {
      for (let i = 0; i < 2; i++) {
        if (failures === 7) {
          // One failure short of the address budget: a right password still gets in.
          expect((await rawLogin(bot.app.url, ADMIN.username, ADMIN.password)).status).toBe(200);
        }
        expect((await rawLogin(bot.app.url, name, `guess-${i}`)).status).toBe(401);
        failures++;
      }
    }
    const refused = await rawLogin(bot.app.url, ADMIN.username, ADMIN.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).not.toHaveProperty('token');
  });
});

/** A pino destination that keeps every log line, parsed. */
function capturedLog(): { lines: Record<string, unknown>[]; text: () => string; stream: Writable } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    text: () => raw.join(''),
    get lines() {
      return raw
        .join('')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

describe('the first admin, without ADMIN_USERNAME/ADMIN_PASSWORD', () => {
  const env = testEnv();
  let first: App | undefined;
  let second: App | undefined;

  afterAll(async () => {
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.db?.dropDatabase();
    }
    await second?.close();
    await first?.close();
  });

  it('is created once with a random password printed once in the log', async () => {
    expect(env.ADMIN_USERNAME).toBeUndefined();
    expect(env.ADMIN_PASSWORD).toBeUndefined();

    const firstLog = capturedLog();
    first = await startApp(loadConfig(env), pino({ level: 'info' }, firstLog.stream));
    const announced = firstLog.lines.filter((l) => String(l.msg).includes('first admin created'));
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ username: 'admin', password: expect.any(String) });
    const password = announced[0]!.password as string;
    expect(password.length).toBeGreaterThanOrEqual(12);

    const signedIn = await rawLogin(first.url, 'admin', password);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body!.user).toMatchObject({ username: 'admin', roles: ['admin'] });
    expect((await rawLogin(first.url, 'admin', `${password}x`)).status).toBe(401);

    const admins = await users().find({ roles: 'admin' }).toArray();
    expect(admins).toHaveLength(1);
    expect(JSON.stringify(admins)).not.toContain(password);

    // A second start on the same database: the admin exists, nothing is created or printed.
    expect(mongoose.connection.name).toBe(new URL(env.MONGODB_URI!).pathname.slice(1));
    const secondLog = capturedLog();
    second = await startApp(loadConfig(env), pino({ level: 'info' }, secondLog.stream));
    expect(secondLog.lines.some((l) => l.msg === 'bot listening')).toBe(true);
    expect(secondLog.lines.filter((l) => String(l.msg).includes('first admin'))).toEqual([]);
    expect(secondLog.lines.filter((l) => 'password' in l)).toEqual([]);
    expect(secondLog.text()).not.toContain(password);
    expect(await users().countDocuments({ roles: 'admin' })).toBe(1);
    expect(await users().countDocuments()).toBe(1);
    // The second app serves the same admin with the same password.
    expect((await rawLogin(second.url, 'admin', password)).status).toBe(200);
  });
});
