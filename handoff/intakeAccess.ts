import { writeAudit } from '../models';
import type { D2Intake } from './d2Intake';
import type { Tickets } from './tickets';
import { TicketNotFound } from './types';

export interface Actor {
  id: string;
  roles: string[];
}

export const D2_ROLE = 'd2-agent';

export class AccessDenied extends Error {}
export class NotFound extends Error {}

/** Writes one audit entry for an attempt on a D2 ticket, allowed or refused. */
export async function auditD2(
  actor: Actor,
  action: string,
  ticketId: string,
  outcome: 'allowed' | 'refused',
  details?: Record<string, unknown>,
): Promise<void> {
  await writeAudit(actor, action, `ticket:${ticketId}`, outcome, details);
}

/**
 * The only way to read D2 intake data: D2 staff only, and every attempt — allowed or
 * refused — is written to the audit log before anything is returned.
 */
export class IntakeAccess {
  constructor(private readonly tickets: Tickets) {}

  async read(actor: Actor, ticketId: string): Promise<D2Intake | undefined> {
    const audit = (outcome: 'allowed' | 'refused', details?: Record<string, unknown>) =>
      auditD2(actor, 'd2.intake.read', ticketId, outcome, details);
    if (!actor.roles.includes(D2_ROLE)) {
      await audit('refused', { reason: 'role' });
      throw new AccessDenied('reading a D2 intake needs the d2-agent role');
    }
    const ticket = await this.tickets.get(ticketId).catch((error: unknown) => {
      if (error instanceof TicketNotFound) return undefined;
      throw error;
    });
    if (!ticket || ticket.queue !== 'd2') {
      await audit('refused', { reason: 'not found' });
      throw new NotFound(`no D2 ticket ${ticketId}`);
    }
    const intake = await this.tickets.intake(ticketId);
    await audit('allowed', { deleted: !ticket.hasIntake, consent: Boolean(intake) });
    return intake;
  }
}
