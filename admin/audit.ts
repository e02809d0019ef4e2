import { AuditLogModel } from '../models';

/** One entry of the audit log: who did what to which object, and whether it was allowed. */
export async function audit(
  actor: { id: string; roles: string[] },
  action: string,
  target: string,
  outcome: 'allowed' | 'refused',
  details?: Record<string, unknown>,
): Promise<void> {
  await AuditLogModel.create({
    at: new Date(),
    actor: actor.id,
    roles: actor.roles,
    action,
    target,
    outcome,
    details,
  });
}
