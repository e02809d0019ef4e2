import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { AuditLogModel, ticketMessages } from '../../models';
import { adminEnv, ADMIN, ApiClient, signedInStaff, type ApiResponse } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { crisisReplyOf } from '../helpers/testChannel';

const d2 = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../locales/en/d2.json'), 'utf8'),
) as typeof import('../../locales/en/d2.json');

/** What the citizen tells the bot; every value is distinctive so a leak anywhere can be found. */
const INTAKE = {
  callerName: 'Lotte Vanbrabantsky',
  callerPhone: '+32470123456',
  relation: 'his godmother Quillane',
  personName: 'Pieter Claes',
  personAge: 'seventeen and a half',
  description: 'tall, red jacket, tattoo of a Kraxelwurm',
  lastSeen: 'platform 9 of Zwijnaarde-Noord at 08:40',
};
/** Every form in which an intake value could leak. */
const SECRETS = [...Object.values(INTAKE), '470 12 34 56', '470123456', 'Kraxelwurm', 'Quillane'];

interface TicketDetail {
  id: string;
  queue: string;
  state: string;
  intake?: Record<string, string>;
  transcript: { from: string; text: string }[];
}

const tickets = () => mongoose.connection.db!.collection('tickets');

/** A whole `queue` event: what the stream sends first. */
const QUEUE_EVENT = /event: queue\ndata: .*\n\n/;

/** Reads the SSE stream of a client until its first queue event (or `ms`), then aborts; the raw text received. */
async function readEvents(
  client: ApiClient,
  ms = 20_000,
): Promise<{ status: number; type: string; text: string }> {
  const abort = new AbortController();
  const res = await fetch(`${client.baseUrl}/api/events`, {
    headers: { authorization: `Bearer ${client.token}` },
    signal: abort.signal,
  });
  const type = res.headers.get('content-type') ?? '';
  if (!res.body) return { status: res.status, type, text: '' };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (QUEUE_EVENT.test(text)) break;
    }
  } catch {
    // Aborted after `ms`.
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { status: res.status, type, text };
}

/** Which of the intake values a text contains (an empty list is the only good answer). */
const leaksIn = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('A D5 operator cannot read a D2 ticket by any API route', () => {
  const bot = useTestBot({ ...adminEnv });
  let ticketId = '';
  let citizenId = '';
  /** A well-formed id no ticket has: what "does not exist" answers. */
  const missingId = new mongoose.Types.ObjectId().toHexString();

  beforeAll(async () => {
    const citizen = bot.channel.conversation();
    citizenId = citizen.id;
    const opened = await citizen.say("I can't reach my son, he was at the station when it happened");
    expect(opened.every((a) => crisisReplyOf(a)?.kind === 'd2')).toBe(true);
    expect(opened.at(-1)!.text).toBe(d2.consentQuestion.replace('{{days}}', '30'));
    expect((await citizen.say(d2.consentYes))[0]!.text).toBe(d2.askCallerName);
    expect((await citizen.say(INTAKE.callerName))[0]!.text).toBe(d2.askCallerPhone);
    expect((await citizen.say('+32 470 12 34 56'))[0]!.text).toBe(d2.askRelation);
    expect((await citizen.say(INTAKE.relation))[0]!.text).toBe(d2.askPersonName);
    expect((await citizen.say(INTAKE.personName))[0]!.text).toBe(d2.askPersonAge);
    expect((await citizen.say(INTAKE.personAge))[0]!.text).toBe(d2.askDescription);
    expect((await citizen.say(INTAKE.description))[0]!.text).toBe(d2.askLastSeen);
    const summary = await citizen.say(INTAKE.lastSeen);
    expect(summary[0]!.text).toContain(INTAKE.personName);
    const sent = await citizen.say(d2.confirmSend);
    expect(crisisReplyOf(sent[0]!)).toMatchObject({ kind: 'd2', queue: 'd2', lang: 'en' });

    const ticket = await tickets().findOne({ conversationId: citizen.id });
    expect(ticket).toMatchObject({ queue: 'd2', state: 'waiting', lang: 'en', consent: true });
    ticketId = String(ticket!._id);
    expect(await tickets().countDocuments()).toBe(1);
  });

  it('answers 404 on every ticket route, as for a missing ticket, and changes nothing', async () => {
    const operator = await signedInStaff(bot.app.url, {
      roles: ['operator'],
      languages: ['en', 'fr', 'nl', 'de'],
    });
    const before = await tickets().findOne({ _id: new mongoose.Types.ObjectId(ticketId) });
    const citizenActivities = bot.channel.activities(citizenId).length;
    const answers: { route: string; res: ApiResponse }[] = [];

    const routes: [string, string, unknown?][] = [
      ['GET', '/api/tickets/:id'],
      ['POST', '/api/tickets/:id/claim', {}],
      ['POST', '/api/tickets/:id/messages', { text: 'Hello, I am from the contact centre.' }],
      ['POST', '/api/tickets/:id/typing', {}],
      ['GET', '/api/tickets/:id/suggestions'],
      ['GET', '/api/tickets/:id/suggestions?q=station'],
      ['POST', '/api/tickets/:id/transfer', { lang: 'fr' }],
      ['POST', '/api/tickets/:id/transfer', { queue: 'd5' }],
      ['POST', '/api/tickets/:id/close', { outcome: 'resolved' }],
    ];
    for (const [method, route, body] of routes) {
      const real = await operator.request(method, route.replace(':id', ticketId), body);
      const missing = await operator.request(method, route.replace(':id', missingId), body);
      answers.push({ route, res: real }, { route, res: missing });
      // Exactly what a ticket that does not exist answers: nothing tells the two apart.
      expect({ method, route, status: real.status, body: real.body }).toEqual({
        method,
        route,
        status: 404,
        body: { error: 'no such ticket' },
      });
      expect({ method, route, status: real.status, body: real.body }).toEqual({
        method,
        route,
        status: missing.status,
        body: missing.body,
      });
    }

    // Nothing else waits: claim-next finds nothing for this operator (and does not take the D2 ticket).
    const next = await operator.post('/api/tickets/claim-next');
    answers.push({ route: 'claim-next', res: next });
    expect(next.status).toBe(204);

    const queues = await operator.get<{ tickets: { id: string }[] }>('/api/queues');
    answers.push({ route: 'queues', res: queues as ApiResponse });
    expect(queues.status).toBe(200);
    expect(queues.body.tickets).toEqual([]);

    const events = await readEvents(operator);
    expect(events.status).toBe(200);
    expect(events.type).toContain('text/event-stream');
    // The stream did deliver the operator's (empty) queue: it was read, and it hides the ticket.
    expect(events.text).toContain('event: queue\ndata: {"tickets":[]}');
    expect(events.text).not.toContain(ticketId);
    expect(leaksIn(events.text)).toEqual([]);

    for (const { route, res } of answers) {
      const text = JSON.stringify(res.body ?? '');
      expect({ route, leaks: leaksIn(text), id: text.includes(ticketId) }).toEqual({
        route,
        leaks: [],
        id: false,
      });
    }

    // The ticket is exactly where it was: waiting, same version, nobody holds it, no transfer made.
    const after = await tickets().findOne({ _id: new mongoose.Types.ObjectId(ticketId) });
    expect(after).toMatchObject({ state: 'waiting', queue: 'd2', lang: 'en', version: before!.version });
    expect(after!.assignee).toBeUndefined();
    expect(after!.outcome).toBeUndefined();
    expect(after!.transferredTo).toBeUndefined();
    expect(after!.intake).toEqual(before!.intake);
    expect(await tickets().countDocuments()).toBe(1);
    expect(await (await ticketMessages.for(ticketId)).countDocuments({ ticketId })).toBe(0);
    // And the citizen was told nothing: no "joined", no typing, no message, no "closed".
    expect(bot.channel.activities(citizenId).slice(citizenActivities)).toEqual([]);

    // Every attempt is in the audit log as refused, and none as allowed.
    const audit = await AuditLogModel.find({ target: `ticket:${ticketId}`, actor: operator.userId }).lean();
    expect(audit.length).toBe(routes.length);
    expect(audit.every((e) => e.outcome === 'refused')).toBe(true);
    expect(new Set(audit.map((e) => e.action))).toEqual(
      new Set([
        'd2.ticket.read',
        'd2.ticket.claim',
        'd2.ticket.reply',
        'd2.ticket.typing',
        'd2.ticket.transfer',
        'd2.ticket.close',
      ]),
    );
    expect(leaksIn(JSON.stringify(audit))).toEqual([]);
  });

  it('lets a d2-agent speaking the language read the intake, and audits the read', async () => {
    const agent = await signedInStaff(bot.app.url, { roles: ['d2-agent'], languages: ['en'] });

    // The same routes that hid it from the operator show it to D2 staff.
    const queues = await agent.get<{ tickets: { id: string; queue: string; state: string }[] }>(
      '/api/queues',
    );
    expect(queues.body.tickets).toEqual([
      expect.objectContaining({ id: ticketId, queue: 'd2', state: 'waiting' }),
    ]);
    const events = await readEvents(agent);
    expect(events.text).toContain(`"id":"${ticketId}"`);

    const read = await agent.get<TicketDetail>(`/api/tickets/${ticketId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: ticketId, queue: 'd2', state: 'waiting' });
    expect(read.body.intake).toEqual(INTAKE);
    // The answers reach the specialists only as the intake, never in the transcript.
    expect(Array.isArray(read.body.transcript)).toBe(true);
    expect(leaksIn(JSON.stringify(read.body.transcript))).toEqual([]);

    const audit = await AuditLogModel.find({ target: `ticket:${ticketId}`, actor: agent.userId }).lean();
    expect(audit).toEqual([
      expect.objectContaining({ action: 'd2.ticket.read', outcome: 'allowed', roles: ['d2-agent'] }),
    ]);
    expect(leaksIn(JSON.stringify(audit))).toEqual([]);
  });

  it('hides it from a d2-agent without the language', async () => {
    const agent = await signedInStaff(bot.app.url, { roles: ['d2-agent'], languages: ['fr'] });
    const read = await agent.get(`/api/tickets/${ticketId}`);
    const missing = await agent.get(`/api/tickets/${missingId}`);
    expect(read.status).toBe(404);
    expect(read.body).toEqual(missing.body);
    const claim = await agent.post(`/api/tickets/${ticketId}/claim`);
    expect(claim.status).toBe(404);
    expect((await agent.get<{ tickets: unknown[] }>('/api/queues')).body.tickets).toEqual([]);
    expect((await agent.post('/api/tickets/claim-next')).status).toBe(204);
    expect(leaksIn(JSON.stringify([read.body, claim.body]))).toEqual([]);

    const audit = await AuditLogModel.find({ target: `ticket:${ticketId}`, actor: agent.userId }).lean();
    expect(audit.map((e) => e.outcome)).toEqual(['refused', 'refused']);
    expect(await tickets().findOne({ _id: new mongoose.Types.ObjectId(ticketId) })).toMatchObject({
      state: 'waiting',
    });
  });

  it('answers 403 to an admin on the ticket routes, and audits each attempt on the D2 ticket', async () => {
    const admin = await new ApiClient(bot.app.url).login(ADMIN.username, ADMIN.password);
    const me = await admin.get<{ id: string; roles: string[] }>('/api/me');
    expect(me.body.roles).toEqual(['admin']);
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/tickets/${ticketId}`],
      ['POST', `/api/tickets/${ticketId}/claim`, {}],
      ['POST', `/api/tickets/${ticketId}/messages`, { text: 'Hello' }],
      ['POST', `/api/tickets/${ticketId}/typing`, {}],
      ['GET', `/api/tickets/${ticketId}/suggestions`],
      ['POST', `/api/tickets/${ticketId}/transfer`, { queue: 'd5' }],
      ['POST', `/api/tickets/${ticketId}/close`, { outcome: 'resolved' }],
      ['POST', '/api/tickets/claim-next', {}],
      ['GET', '/api/queues'],
    ];
    for (const [method, route, body] of calls) {
      const res = await admin.request(method, route, body);
      expect({ method, route, status: res.status }).toEqual({ method, route, status: 403 });
      expect(leaksIn(JSON.stringify(res.body ?? ''))).toEqual([]);
    }
    expect((await admin.get('/api/events')).status).toBe(403);
    const audit = await AuditLogModel.find({ target: `ticket:${ticketId}`, actor: me.body.id }).lean();
    expect(audit).toHaveLength(7);
    expect(new Set(audit.map((e) => e.outcome))).toEqual(new Set(['refused']));
    expect(await tickets().findOne({ _id: new mongoose.Types.ObjectId(ticketId) })).toMatchObject({
      state: 'waiting',
    });
    expect(await tickets().countDocuments()).toBe(1);
  });
});
