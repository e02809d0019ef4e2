import { randomUUID } from 'node:crypto';
import { TOTP } from 'otpauth';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

/** A communicator of the demo crisis's authority, as the studio tests create it. */
export const DEMO_COMMUNICATOR = {
  username: 'chloe',
  password: 'chloe-communicator-password',
  displayName: 'Chloé',
  roles: ['communicator'],
  languages: ['nl', 'fr'],
  authorityNis: '99001',
};

/** The admin account test bots start with (first admin from the environment). */
export const adminEnv = { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password };

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A client of the operator API, signed in or not. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }

  put<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }

  /** Signs in; `totp` is the authenticator's code, for an account with a second factor. */
  async login(username: string, password: string, totp?: string): Promise<ApiClient> {
    const res = await this.post<{ token: string }>('/api/auth/login', { username, password, totp });
    if (res.status !== 200)
      throw new Error(`login of ${username} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return new ApiClient(this.baseUrl, res.body.token);
  }
}

/** Creates `user` (with its own username and password) through the admin API; returns the admin's client. */
export async function adminCreatesUser(baseUrl: string, user: Record<string, unknown>): Promise<ApiClient> {
  const admin = await new ApiClient(baseUrl).login(ADMIN.username, ADMIN.password);
  expect((await admin.post('/api/users', user)).status).toBe(201);
  return admin;
}

export interface StaffOptions {
  roles: string[];
  languages: string[];
  displayName?: string;
  /** For communicators and authority users: the NIS code of their authority. */
  authorityNis?: string;
  /** Signs in as available (online for wait estimates); default true. */
  available?: boolean;
}

/** Creates a staff account through the admin API and signs it in. */
export async function signedInStaff(
  baseUrl: string,
  options: StaffOptions,
): Promise<ApiClient & { userId: string; username: string; password: string }> {
  const admin = await new ApiClient(baseUrl).login(ADMIN.username, ADMIN.password);
  const username = `staff-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const created = await admin.post<{ id: string }>('/api/users', {
    username,
    password,
    displayName: options.displayName ?? username,
    roles: options.roles,
    languages: options.languages,
    ...(options.authorityNis ? { authorityNis: options.authorityNis } : {}),
  });
  if (created.status !== 201)
    throw new Error(`creating staff answered ${created.status}: ${JSON.stringify(created.body)}`);
  const client = await new ApiClient(baseUrl).login(username, password);
  if (options.available ?? true) await client.put('/api/me/presence', { presence: 'available' });
  return Object.assign(client, { userId: created.body.id, username, password });
}

export interface ServerEvent {
  event: string;
  data: Record<string, unknown>;
}

/** An open server-sent events stream (`GET /api/events` unless told) of a signed-in client, with its events as they arrive. */
export interface EventStream {
  events: ServerEvent[];
  waitFor(matches: (e: ServerEvent) => boolean, what: string, timeoutMs?: number): Promise<ServerEvent>;
  close(): void;
}

export async function openEvents(client: ApiClient, path = '/api/events'): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(`${client.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${client.token}` },
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
  const events: ServerEvent[] = [];
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    events,
    async waitFor(matches, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(matches);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${what} on the event stream within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => abort.abort(),
  };
}

/**
 * Starts enrolling an authenticator for a signed-in account (its password confirms it); the caller
 * verifies a first code. `code(offset)` is the code of the time step `offset` steps away.
 */
export async function enrolAuthenticator(client: ApiClient & { password: string }) {
  const enrol = await client.post<{ secret: string; otpauthUri: string }>('/api/me/totp', {
    password: client.password,
  });
  const totp = new TOTP({ secret: enrol.body.secret, digits: 6, period: 30 });
  const code = (offset = 0) => totp.generate({ timestamp: Date.now() + offset * 30_000 });
  return { otpauthUri: enrol.body.otpauthUri, code };
}

/** The authenticator's current 30-second step. */
export const totpStep = () => Math.floor(Date.now() / 30_000);

/**
 * Confirms an enrolment with the previous step's code, leaving the current and next steps' codes
 * unused for the test. The server accepts a code one step away: if the 30-second step turned while
 * the request was on its way, that code was two steps old, and the next step's "previous" is asked
 * once more. Any other refusal is returned as it is.
 */
export async function confirmEnrolment(
  client: ApiClient,
  code: (offset?: number) => string,
): Promise<number> {
  const step = totpStep();
  const first = await client.post('/api/me/totp/verify', { code: code(-1) });
  if (first.status === 204 || totpStep() === step) return first.status;
  return (await client.post('/api/me/totp/verify', { code: code(-1) })).status;
}

/** An authority user with an enrolled authenticator; `code(offset)` is the code of the step `offset` steps away. */
export async function authorityUser(baseUrl: string, nis: string) {
  const client = await signedInStaff(baseUrl, { roles: ['authority'], languages: ['nl'], authorityNis: nis });
  const { otpauthUri, code } = await enrolAuthenticator(client);
  expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
  const wrong = code().replace(/.$/, (d) => String((Number(d) + 5) % 10));
  expect((await client.post('/api/me/totp/verify', { code: wrong })).status).toBe(400);
  expect(await confirmEnrolment(client, code)).toBe(204);
  return Object.assign(client, { code });
}

/**
 * Sign-in budgets count in fixed windows (admin/attemptBudget.ts: at a window's edge a budget is
 * whole again). A test that counts attempts up to a limit starts, if the current window ends
 * within `neededMs`, once the next one has begun, so that its count stays in one window.
 */
export async function withinOneSignInWindow(windowMinutes = 15, neededMs = 30_000): Promise<void> {
  const windowMs = windowMinutes * 60_000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}
