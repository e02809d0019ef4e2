// The JSON API as the console and the studio call it. Requests are same-origin, so the HttpOnly
// session cookie travels with every one of them: that is what restores a session on a reload and
// what authenticates an EventSource, which cannot send an Authorization header.

/** Kept in memory only: a reload restores the session from the HttpOnly cookie instead. */
let token = null;

export function setToken(value) {
  token = value;
}

export class ApiError extends Error {
  constructor(status, message, body, retryAfter) {
    super(message);
    this.status = status;
    this.body = body ?? {};
    this.details = Array.isArray(body?.details) ? body.details.map(String) : [];
    this.retryAfter = retryAfter;
  }
}

export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const message = data && typeof data.error === 'string' ? data.error : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message, data, res.headers.get('retry-after'));
  }
  return data;
}
