import mongoose from 'mongoose';
import pino from 'pino';
import {
  AccessDenied,
  IntakeAccess,
  IntakeCipher,
  purgeExpiredIntakes,
  Tickets,
  type D2Intake,
} from '../../handoff';
import { AuditLogModel, botStates, TicketModel } from '../../models';
import { useTestDatabase } from '../helpers/db';

const intake: D2Intake = {
  callerName: 'Ann Peeters',
  callerPhone: '+32470123456',
  relation: 'daughter',
  personName: 'Jef Peeters',
  personAge: '81 years',
  description: 'grey coat, walks with a stick',
  lastSeen: 'home, rue du Moulin 3, yesterday 18:00',
};
const logger = pino({ level: 'silent' });

describe('D2 intake protection', () => {
  const cipher = new IntakeCipher(Buffer.alloc(32, 7));
  const tickets = new Tickets(cipher);
  const access = new IntakeAccess(tickets);

  useTestDatabase();

  const open = async () => {
    const ticket = await tickets.open({
      queue: 'd2',
      reason: 'd2',
      crisisSlug: 'c',
      conversationId: 'x',
      channelId: 'test',
      lang: 'en',
      urgent: false,
      intake,
    });
    return { ticketId: ticket.id };
  };

  it('stores the intake encrypted: no value appears in the raw document', async () => {
    const { ticketId } = await open();
    const raw = JSON.stringify(
      await mongoose.connection
        .db!.collection('tickets')
        .findOne({ _id: new mongoose.Types.ObjectId(ticketId) }),
    );
    for (const value of Object.values(intake))
      expect({ value, found: raw.includes(value) }).toEqual({ value, found: false });
  });

  it('lets D2 staff read an intake and audits the read', async () => {
    const { ticketId } = await open();
    await expect(access.read({ id: 'agent-1', roles: ['d2-agent'] }, ticketId)).resolves.toEqual(intake);
    expect(await AuditLogModel.findOne({ target: `ticket:${ticketId}` }).lean()).toMatchObject({
      actor: 'agent-1',
      action: 'd2.intake.read',
      outcome: 'allowed',
    });
  });

  it.each([['operator'], ['admin'], ['communicator'], ['authority']])(
    'refuses a %s and audits the refusal',
    async (role) => {
      const { ticketId } = await open();
      await expect(access.read({ id: `${role}-1`, roles: [role] }, ticketId)).rejects.toBeInstanceOf(
        AccessDenied,
      );
      expect(
        await AuditLogModel.findOne({ target: `ticket:${ticketId}`, actor: `${role}-1` }).lean(),
      ).toMatchObject({
        outcome: 'refused',
      });
    },
  );

  it('refuses an intake moved onto another ticket (the ticket id is authenticated)', async () => {
    const a = await open();
    const b = await open();
    const sealedA = (await TicketModel.findById(a.ticketId).lean())!.intake;
    await TicketModel.updateOne({ _id: b.ticketId }, { $set: { intake: sealedA } });
    await expect(access.read({ id: 'agent-1', roles: ['d2-agent'] }, b.ticketId)).rejects.toThrow();
  });

  it('deletes intake data and idle conversation state after the retention period, and nothing younger', async () => {
    await TicketModel.deleteMany({});
    const { ticketId: old } = await open();
    const idle = 'test/conversations/idle/';
    await (
      await botStates.for(idle)
    ).insertOne({ _id: idle, data: '{}', eTag: '1', held: true, updatedAt: new Date() });
    const later = new Date(Date.now() + 31 * 24 * 60 * 60 * 1000);
    const { ticketId: fresh } = await open();
    // createdAt is immutable through mongoose: age the document through the driver.
    await TicketModel.collection.updateOne(
      { _id: new mongoose.Types.ObjectId(fresh) },
      { $set: { createdAt: new Date(later.getTime() - 60_000) } },
    );

    expect(await purgeExpiredIntakes({ now: later, retentionDays: 30, logger })).toBe(1);
    const oldTicket = await TicketModel.findById(old).lean();
    expect(oldTicket!.intake).toBeUndefined();
    expect(oldTicket!.intakeDeletedAt).toEqual(later);
    expect((await TicketModel.findById(fresh).lean())!.intake).toBeDefined();
    expect(await (await botStates.for(idle)).countDocuments({ _id: idle })).toBe(0);
    await expect(access.read({ id: 'agent-1', roles: ['d2-agent'] }, old)).resolves.toBeUndefined();
  });

  it('deletes transcripts, callback numbers and relayed messages of any ticket after the retention period', async () => {
    const ticket = await tickets.open({
      queue: 'd5',
      reason: 'callback',
      crisisSlug: 'c',
      conversationId: 'y',
      channelId: 'test',
      lang: 'en',
      transcript: [{ at: new Date().toISOString(), from: 'citizen', text: 'where do I sleep tonight?' }],
      callbackPhone: '+32470123456',
    });
    await tickets.addMessage(ticket.id, 'citizen', 'I am at the station');
    const later = new Date(Date.now() + 31 * 24 * 60 * 60 * 1000);

    expect(await purgeExpiredIntakes({ now: later, retentionDays: 30, logger })).toBeGreaterThanOrEqual(1);
    const purged = await TicketModel.findById(ticket.id).lean();
    expect(purged).toMatchObject({ queue: 'd5', reason: 'callback' });
    expect(purged!.transcript).toBeUndefined();
    expect(purged!.callbackPhone).toBeUndefined();
    expect(await tickets.transcript(ticket.id)).toEqual([]);
  });
});
