import { AuditLogModel, TicketModel } from '../models';
import type { D2Intake } from './d2Queue';
import type { IntakeCipher, SealedIntake } from './intakeCipher';

export interface Actor {
  id: string;
  roles: string[];
}

export const D2_ROLE = 'd2-agent';

export class AccessDenied extends Error {}
export class NotFound extends Error {}

/**
 * The only way to read D2 intake data: D2 staff only, and every attempt — allowed or
 * refused — is written to the audit log before anything is returned.
 */
export class IntakeAccess {
  constructor(private readonly cipher: IntakeCipher) {}

  async read(actor: Actor, ticketId: string): Promise<D2Intake | undefined> {
    const audit = (outcome: 'allowed' | 'refused', details?: Record<string, unknown>) =>
      AuditLogModel.create({
        at: new Date(),
        actor: actor.id,
        roles: actor.roles,
        action: 'd2.intake.read',
        target: `ticket:${ticketId}`,
        outcome,
        details,
      });
    if (!actor.roles.includes(D2_ROLE)) {
      await audit('refused', { reason: 'role' });
      throw new AccessDenied('reading a D2 intake needs the d2-agent role');
    }
    const ticket = await TicketModel.findById(ticketId).lean();
    if (!ticket || ticket.queue !== 'd2') {
      await audit('refused', { reason: 'not found' });
      throw new NotFound(`no D2 ticket ${ticketId}`);
    }
    await audit('allowed', { deleted: Boolean(ticket.intakeDeletedAt), consent: ticket.consent });
    return ticket.intake ? this.cipher.open<D2Intake>(ticket.intake as SealedIntake, ticketId) : undefined;
  }
}
