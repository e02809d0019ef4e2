import { randomUUID } from 'node:crypto';
import { UserModel } from '../../models';
import { ADMIN, ApiClient, adminEnv } from '../helpers/api';
import { useTestBot } from '../helpers/bot';

describe('cross-site requests to the operator API, with the session cookie', () => {
  const bot = useTestBot(adminEnv);
  let cookie: string;

  beforeAll(async () => {
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    cookie = `ccb_session=${admin.token}`;
  });

  const newAdmin = () => {
    const username = `intruder-${randomUUID().slice(0, 8)}`;
    return { username, password: `pw-${randomUUID()}`, roles: ['admin'], languages: ['en'] };
  };
  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${bot.app.url}/api/users`, { method: 'POST', headers: { cookie, ...headers }, body });

  it('refuses a form-encoded body (415), as an HTML form of another page would send it, creating nothing', async () => {
    const user = newAdmin();
    const form = new URLSearchParams({
      username: user.username,
      password: user.password,
      'roles[0]': 'admin',
      'languages[0]': 'en',
    });
    const res = await post({ 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: 'only application/json bodies are accepted' });
    expect(await UserModel.countDocuments({ username: user.username })).toBe(0);
  });

  it('refuses a text/plain body, which a no-cors fetch can send without a preflight', async () => {
    const user = newAdmin();
    const res = await post({ 'content-type': 'text/plain' }, JSON.stringify(user));
    expect(res.status).toBe(415);
    expect(await UserModel.countDocuments({ username: user.username })).toBe(0);
  });

  it.each([
    ['an Origin of another site', { origin: 'https://evil.example' }],
    ['an Origin of the same host on another port', { origin: 'http://127.0.0.1:1' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses JSON sent with %s (403), creating nothing', async (_name, headers) => {
    const user = newAdmin();
    const res = await post({ 'content-type': 'application/json', ...headers }, JSON.stringify(user));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'cross-site request refused' });
    expect(await UserModel.countDocuments({ username: user.username })).toBe(0);
  });

  it("takes JSON from the console's own origin", async () => {
    const user = newAdmin();
    const res = await post(
      {
        'content-type': 'application/json',
        origin: new URL(bot.app.url).origin,
        'sec-fetch-site': 'same-origin',
      },
      JSON.stringify(user),
    );
    expect(res.status).toBe(201);
  });

  it('refuses a user with the same role twice (400), creating nothing', async () => {
    const user = { ...newAdmin(), roles: ['operator', 'operator'] };
    const res = await post({ 'content-type': 'application/json' }, JSON.stringify(user));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ details: ['roles: each role once'] });
    expect(await UserModel.countDocuments({ username: user.username })).toBe(0);
  });
});
