import { randomUUID } from 'node:crypto';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

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

  async login(username: string, password: string): Promise<ApiClient> {
    const res = await this.post<{ token: string }>('/api/auth/login', { username, password });
    if (res.status !== 200)
      throw new Error(`login of ${username} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return new ApiClient(this.baseUrl, res.body.token);
  }
}

export interface StaffOptions {
  roles: string[];
  languages: string[];
  displayName?: string;
  /** Signs in as available (online for wait estimates); default true. */
  available?: boolean;
}

/** Creates a staff account through the admin API and signs it in. */
export async function signedInStaff(
  baseUrl: string,
  options: StaffOptions,
): Promise<ApiClient & { userId: string }> {
  const admin = await new ApiClient(baseUrl).login(ADMIN.username, ADMIN.password);
  const username = `staff-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const created = await admin.post<{ id: string }>('/api/users', {
    username,
    password,
    displayName: options.displayName ?? username,
    roles: options.roles,
    languages: options.languages,
  });
  if (created.status !== 201)
    throw new Error(`creating staff answered ${created.status}: ${JSON.stringify(created.body)}`);
  const client = await new ApiClient(baseUrl).login(username, password);
  if (options.available ?? true) await client.put('/api/me/presence', { presence: 'available' });
  return Object.assign(client, { userId: created.body.id });
}
