import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response } from 'restify';
import type { Staff } from '../handoff';
import { writeAudit } from '../models';
import type { Accounts, User } from './accounts';
import { HttpError } from './http';
import type { Sessions } from './sessions';

export const SESSION_COOKIE = 'ccb_session';

export interface Caller {
  user: User;
  token: string;
  /** When this session's sign-in proved the second factor, if it did. */
  secondFactorAt?: Date;
}

/** Refreshing "last seen" on every request would be a write per request. */
const SEEN_EVERY_MS = 10_000;

/** Who is calling, from the bearer token or the session cookie; every route checks roles here, on the server. */
export class Auth {
  private readonly lastSeen = new Map<string, number>();

  constructor(
    private readonly accounts: Accounts,
    private readonly sessions: Sessions,
    private readonly secureCookie: boolean,
  ) {}

  tokenOf(req: Request): string | undefined {
    const header = req.header('authorization');
    if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
    const cookies = parseCookies(req.header('cookie') ?? '');
    return cookies[SESSION_COOKIE];
  }

  async caller(req: Request): Promise<Caller> {
    const token = this.tokenOf(req);
    const session = token ? await this.sessions.resolve(token) : undefined;
    const user = session ? await this.accounts.byId(session.userId) : undefined;
    if (!token || !session || !user) throw new HttpError(401, 'sign in first');
    await this.markSeen(user.id);
    return { user, token, ...(session.secondFactorAt ? { secondFactorAt: session.secondFactorAt } : {}) };
  }

  /** The caller if they hold one of the roles; a signed-in caller without one is refused, and audited. */
  async requireRole(req: Request, ...roles: string[]): Promise<Caller> {
    const caller = await this.caller(req);
    if (!roles.some((role) => caller.user.roles.includes(role))) {
      const route = `${req.method} ${req.getRoute()?.path ?? req.path()}`;
      await writeAudit(caller.user, 'route.refused', `route:${route}`, 'refused', { needs: roles });
      throw new HttpError(403, `needs one of the roles: ${roles.join(', ')}`);
    }
    return caller;
  }

  setCookie(res: Response, token: string, expiresAt: Date): void {
    res.header(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: this.secureCookie,
        path: '/',
        expires: expiresAt,
      }),
    );
  }

  clearCookie(res: Response): void {
    res.header('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { httpOnly: true, path: '/', maxAge: 0 }));
  }

  async markSeen(userId: string): Promise<boolean> {
    const now = Date.now();
    if (now - (this.lastSeen.get(userId) ?? 0) < SEEN_EVERY_MS) return false;
    this.lastSeen.set(userId, now);
    await this.accounts.seen(userId, new Date(now));
    return true;
  }
}

export function staffOf(user: User): Staff {
  return { id: user.id, name: user.displayName, roles: user.roles, languages: user.languages };
}
