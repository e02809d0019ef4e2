import { CrisisModel } from '../models';
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
  if (!roles.some((role) => user.roles.includes(role)) && !user.roles.includes('admin')) {
    throw new HttpError(403, `needs one of the roles: ${['admin', ...roles].join(', ')}`);
  }
  const crisis = await CrisisModel.findOne({ slug }, { slug: 1, authorityNis: 1, status: 1 }).lean();
  const mine =
    user.roles.includes('admin') ||
    (crisis?.authorityNis !== undefined && crisis.authorityNis === user.authorityNis);
  if (!crisis || !mine) throw new HttpError(404, 'no such crisis');
  return { slug: crisis.slug, authorityNis: crisis.authorityNis ?? undefined, status: crisis.status };
}
