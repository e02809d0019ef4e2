import { CrisisModel, writeAudit } from '../models';
import type { User } from './accounts';
import { HttpError } from './http';

export interface CrisisRef {
  slug: string;
  authorityNis?: string;
  status: 'active' | 'inactive';
}

/**
 * Who may work on a crisis: admins on all; communicators and authority users on the crises of
 * their own authority. A crisis the caller may not see answers 404, as one that does not exist.
 */
export async function crisisFor(user: User, slug: string, roles: string[]): Promise<CrisisRef> {
  const refused = (reason: string) =>
    writeAudit(user, 'crisis.access', `crisis:${slug}`, 'refused', { needs: ['admin', ...roles], reason });
  if (!roles.some((role) => user.roles.includes(role)) && !user.roles.includes('admin')) {
    await refused('role');
    throw new HttpError(403, `needs one of the roles: ${['admin', ...roles].join(', ')}`);
  }
  const crisis = await CrisisModel.findOne({ slug }, { slug: 1, authorityNis: 1, status: 1 }).lean();
  const mine =
    user.roles.includes('admin') ||
    (crisis?.authorityNis !== undefined && crisis.authorityNis === user.authorityNis);
  if (!crisis) throw new HttpError(404, 'no such crisis');
  if (!mine) {
    // Answered as one that does not exist, but the log tells the attempt from a typo.
    await refused('another authority');
    throw new HttpError(404, 'no such crisis');
  }
  return { slug: crisis.slug, authorityNis: crisis.authorityNis ?? undefined, status: crisis.status };
}
