import { Types } from 'mongoose';
import { TicketModel } from '../models';
import type { IntakeCipher } from './intakeCipher';

/** What a citizen tells the bot in a consented D2 intake. Special-category data: never logged. */
export interface D2Intake {
  callerName: string;
  callerPhone: string;
  relation: string;
  personName: string;
  personAge: string;
  description: string;
  lastSeen: string;
}

export interface NewD2Ticket {
  crisisSlug: string;
  conversationId: string;
  channelId: string;
  lang: string;
  urgent: boolean;
  /** Absent when the citizen did not consent: the ticket then only asks a specialist to take the conversation. */
  intake?: D2Intake;
}

/** Opens tickets in the specialists' queue, sealing the intake before it reaches the database. */
export class D2Queue {
  constructor(private readonly cipher: IntakeCipher) {}

  async open(ticket: NewD2Ticket): Promise<{ ticketId: string }> {
    const _id = new Types.ObjectId();
    const ticketId = _id.toHexString();
    await TicketModel.create({
      _id,
      queue: 'd2',
      state: 'waiting',
      priority: ticket.urgent ? 0 : 1,
      crisisSlug: ticket.crisisSlug,
      conversationId: ticket.conversationId,
      channelId: ticket.channelId,
      lang: ticket.lang,
      consent: Boolean(ticket.intake),
      intake: ticket.intake ? this.cipher.seal(ticket.intake, ticketId) : undefined,
    });
    return { ticketId };
  }
}
