import fs from 'node:fs';
import path from 'node:path';
import { TicketModel } from '../../models';
import { IntakeCipher, purgeExpiredIntakes, Tickets } from '../../handoff';
import { adminEnv, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { silentLogger, waitFor } from '../helpers/db';
import { crisisReplyOf, type ReceivedActivity } from '../helpers/testChannel';

const locale = (lang: string, ns: string) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../locales/${lang}/${ns}.json`), 'utf8')) as Record<
    string,
    string
  >;
const en = locale('en', 'handoff');

const messages = (activities: ReceivedActivity[]) => activities.filter((a) => a.type === 'message');
const kindsOf = (activities: ReceivedActivity[]) => messages(activities).map((a) => crisisReplyOf(a)?.kind);

interface TicketDetail {
  id: string;
  state: string;
  queue: string;
  reason: string;
  position?: number;
  transcript: { from: string; text: string }[];
  callbackPhone?: string;
  callbackPhoneDeletedAt?: string;
}

describe('handoff to a human operator over the Bot Framework protocol and the operator API', () => {
  const bot = useTestBot({ ...adminEnv, HANDOFF_SWEEP_MS: '200' });

  it('queues a citizen who asks for a person, relays both ways, and returns them to the bot on close', async () => {
    const operator = await signedInStaff(bot.app.url, {
      roles: ['operator'],
      languages: ['en'],
      displayName: 'Sam',
    });
    const citizen = bot.channel.conversation();
    await citizen.say('Where is the reception centre?');

    const queued = await citizen.say('I want to talk to a person');
    const handoffEvent = queued.find((a) => a.type === 'event');
    expect(handoffEvent).toMatchObject({ name: 'handoff.initiate' });
    const notice = messages(queued)[0]!;
    expect(crisisReplyOf(notice)).toMatchObject({ kind: 'handoff', queue: 'd5', position: 1, lang: 'en' });
    expect(notice.text).toContain(en.queued!);

    const queue = await operator.get<{ tickets: { id: string; state: string; position: number }[] }>(
      '/api/queues',
    );
    const waiting = queue.body.tickets.find((t) => t.state === 'waiting');
    expect(waiting).toMatchObject({ position: 1 });
    const ticketId = waiting!.id;

    const before = bot.channel.activities(citizen.id).length;
    const claimed = await operator.post<TicketDetail>(`/api/tickets/${ticketId}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body.state).toBe('assigned');
    // The operator reads the bot part of the conversation: the earlier question and its answer.
    expect(claimed.body.transcript.map((m) => m.from)).toEqual(expect.arrayContaining(['citizen', 'bot']));
    expect(claimed.body.transcript.some((m) => m.text === 'Where is the reception centre?')).toBe(true);
    const joined = (await bot.channel.waitFor(citizen.id, before + 1))[before]!;
    expect(joined.text).toBe(en.operatorJoined!.replace('{{name}}', 'Sam'));

    expect(await citizen.say('My street is not on the list, what should I do?')).toEqual([]);
    const detail = await operator.get<TicketDetail>(`/api/tickets/${ticketId}`);
    expect(detail.body.transcript.at(-1)).toMatchObject({
      from: 'citizen',
      text: 'My street is not on the list, what should I do?',
    });

    const count = bot.channel.activities(citizen.id).length;
    expect((await operator.post(`/api/tickets/${ticketId}/typing`)).status).toBe(204);
    const sent = await operator.post(`/api/tickets/${ticketId}/messages`, {
      text: 'Stay indoors until 18:00.',
    });
    expect(sent.status).toBe(201);
    const relayed = (await bot.channel.waitFor(citizen.id, count + 2)).slice(count);
    expect(relayed[0]!.type).toBe('typing');
    expect(relayed[1]).toMatchObject({ type: 'message', text: 'Stay indoors until 18:00.' });
    expect(crisisReplyOf(relayed[1]!)).toMatchObject({ kind: 'operator', lang: 'en' });

    const beforeClose = bot.channel.activities(citizen.id).length;
    const closed = await operator.post(`/api/tickets/${ticketId}/close`, { outcome: 'resolved' });
    expect(closed.body).toMatchObject({ state: 'closed', outcome: 'resolved' });
    const bye = (await bot.channel.waitFor(citizen.id, beforeClose + 1))[beforeClose]!;
    expect(bye.text).toBe(en.closed);

    const back = await citizen.say('Where is the reception centre?');
    expect(crisisReplyOf(back[0]!)).toMatchObject({ kind: 'answer', faqId: 'reception-centre' });
  });

  it('hands a citizen the FAQ fails twice in a row to an operator', async () => {
    await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['nl'] });
    const citizen = bot.channel.conversation();
    const first = await citizen.say('Hoeveel kost een parkeerkaart voor de bibliotheek?');
    expect(kindsOf(first)).toEqual(['clarify']);
    const second = await citizen.say('En de openingsuren van het zwembad?');
    expect(crisisReplyOf(messages(second)[0]!)).toMatchObject({ kind: 'handoff', queue: 'd5', lang: 'nl' });
    expect(await TicketModel.findOne({ conversationId: citizen.id }).lean()).toMatchObject({
      reason: 'unanswered',
      state: 'waiting',
      lang: 'nl',
    });
  });

  it('lets a waiting citizen cancel and go back to the bot', async () => {
    await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['fr'] });
    const citizen = bot.channel.conversation();
    const queued = await citizen.say("je veux parler à quelqu'un");
    expect(crisisReplyOf(messages(queued)[0]!)).toMatchObject({ kind: 'handoff', queue: 'd5', lang: 'fr' });
    const waiting = await citizen.say('toujours là ?');
    expect(crisisReplyOf(waiting[0]!)).toMatchObject({ kind: 'handoff', position: 1 });
    const cancelled = await citizen.say('annuler');
    expect(crisisReplyOf(cancelled[0]!)).toMatchObject({ kind: 'info', lang: 'fr' });
    expect(await TicketModel.findOne({ conversationId: citizen.id }).lean()).toMatchObject({
      state: 'closed',
      outcome: 'returned-to-bot',
    });
    const transcript = await TicketModel.findOne({ conversationId: citizen.id }).lean();
    expect(transcript?.transcript).toBeDefined();
    const answer = await citizen.say('Les écoles sont-elles fermées demain ?');
    expect(crisisReplyOf(answer[0]!)).toMatchObject({ kind: 'answer', faqId: 'schools' });
  });

  it('closes a callback as done after retention deleted its number, and says the number is gone', async () => {
    const de = locale('de', 'handoff');
    const citizen = bot.channel.conversation();
    await citizen.say('Mensch bitte');
    expect((await citizen.say(de.callbackYes!))[0]!.text).toBe(de.callbackAsk);
    const booked = await citizen.say('+32 470 65 43 21');
    expect(booked[0]!.text).toBe(de.callbackBooked!.replace('{{phone}}', '+32470654321'));
    const id = String((await TicketModel.findOne({ conversationId: citizen.id }).lean())!._id);
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['de'] });
    try {
      const claimed = await operator.post<TicketDetail>(`/api/tickets/${id}/claim`);
      expect(claimed.body).toMatchObject({ reason: 'callback', callbackPhone: '+32470654321' });
      // The operator finishes after the retention period ended: the hourly job deleted the number.
      const purgedAt = new Date(Date.now() + 31 * 86_400_000);
      await purgeExpiredIntakes({ now: purgedAt, retentionDays: 30, logger: silentLogger });
      const read = await operator.get<TicketDetail>(`/api/tickets/${id}`);
      expect(read.body.callbackPhone).toBeUndefined();
      expect(read.body.callbackPhoneDeletedAt).toBe(purgedAt.toISOString());

      const done = await operator.post<TicketDetail>(`/api/tickets/${id}/close`, {
        outcome: 'callback-done',
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        state: 'closed',
        outcome: 'callback-done',
        callbackPhoneDeletedAt: purgedAt.toISOString(),
      });
    } finally {
      // Nobody who speaks German stays available: the next citizen is offered a callback.
      await operator.put('/api/me/presence', { presence: 'away' });
    }
  });

  it('overflows honestly when nobody speaking the language is online, and books a callback', async () => {
    const citizen = bot.channel.conversation();
    const offered = await citizen.say('Mensch bitte');
    const offer = messages(offered)[0]!;
    expect(crisisReplyOf(offer)).toMatchObject({ kind: 'handoff', queue: 'd5', lang: 'de' });
    expect(offer.text).toContain(locale('de', 'handoff').overflowNoOperator);
    expect(await TicketModel.countDocuments({ conversationId: citizen.id })).toBe(0);

    const de = locale('de', 'handoff');
    expect((await citizen.say(de.callbackYes!))[0]!.text).toBe(de.callbackAsk);
    expect((await citizen.say('0470 12'))[0]!.text).toBe(de.callbackInvalid);
    const booked = await citizen.say('+32 470 12 34 56');
    expect(booked[0]!.text).toBe(de.callbackBooked!.replace('{{phone}}', '+32470123456'));
    const ticket = await TicketModel.findOne({ conversationId: citizen.id }).lean();
    expect(ticket).toMatchObject({ queue: 'd5', reason: 'callback', state: 'waiting', lang: 'de' });
    expect(JSON.stringify(ticket)).not.toContain('470123456');

    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['de'] });
    const claimed = await operator.post<TicketDetail>(`/api/tickets/${String(ticket!._id)}/claim`);
    expect(claimed.body).toMatchObject({ reason: 'callback', callbackPhone: '+32470123456' });
    const done = await operator.post(`/api/tickets/${String(ticket!._id)}/close`, {
      outcome: 'callback-done',
    });
    expect(done.body).toMatchObject({ state: 'closed', outcome: 'callback-done' });

    // The citizen kept the bot all along.
    const answer = await citizen.say('Sind die Schulen morgen geschlossen?');
    expect(crisisReplyOf(answer[0]!)).toMatchObject({ kind: 'answer', faqId: 'schools' });
  });

  it('gives a ticket back to the queue when its operator stops reporting in past the grace period', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    const citizen = bot.channel.conversation();
    await citizen.say('operator');
    const ticket = await TicketModel.findOne({ conversationId: citizen.id }).lean();
    const claimed = await operator.post<TicketDetail>(`/api/tickets/${String(ticket!._id)}/claim`);
    expect(claimed.body.state).toBe('assigned');
    // No event stream is open for this operator: nothing extends the claim, which has run out (as a
    // change of the ticket, so that every copy of it sees the time).
    await new Tickets(new IntakeCipher(Buffer.alloc(32))).apply(String(ticket!._id), {
      type: 'extend',
      expiresAt: new Date(Date.now() - 1000),
    });
    await waitFor(
      async () => (await TicketModel.findById(ticket!._id).lean())?.state === 'waiting',
      'the lapsed claim to be swept back to the queue',
    );
    await waitFor(
      () => bot.channel.activities(citizen.id).some((a) => a.text?.startsWith(en.requeued!)),
      'the citizen to be told',
    );
    expect((await TicketModel.findById(ticket!._id).lean())?.assignee).toBeUndefined();
  });

  it('tells a waiting citizen when their place in the queue moves', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['de'] });
    const first = bot.channel.conversation();
    const second = bot.channel.conversation();
    await first.say('Ich möchte mit einem Menschen sprechen');
    const queued = await second.say('Ich möchte mit einem Menschen sprechen');
    expect(crisisReplyOf(messages(queued)[0]!)).toMatchObject({ kind: 'handoff', position: 2 });

    const ticket = await TicketModel.findOne({ conversationId: first.id }).lean();
    expect((await operator.post(`/api/tickets/${String(ticket!._id)}/claim`)).status).toBe(200);
    await waitFor(
      () =>
        bot.channel
          .activities(second.id)
          .some((a) => crisisReplyOf(a)?.kind === 'handoff' && crisisReplyOf(a)?.position === 1),
      'the second citizen to be told they are next',
    );
  });

  it('transfers a conversation from the contact centre to the D2 specialists with its transcript', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    const specialist = await signedInStaff(bot.app.url, { roles: ['d2-agent'], languages: ['en'] });
    const citizen = bot.channel.conversation();
    await citizen.say('I need to talk to someone');
    const d5 = await TicketModel.findOne({ conversationId: citizen.id }).lean();
    const d5Id = String(d5!._id);
    await operator.post(`/api/tickets/${d5Id}/claim`);
    await citizen.say('Actually my father lives next to the plant and does not answer his phone');

    const before = bot.channel.activities(citizen.id).length;
    const moved = await operator.post<{ id: string; queue: string; state: string }>(
      `/api/tickets/${d5Id}/transfer`,
      { queue: 'd2' },
    );
    expect(moved.body).toMatchObject({ queue: 'd2', state: 'waiting' });
    expect(await TicketModel.findById(d5Id).lean()).toMatchObject({
      state: 'closed',
      outcome: 'transferred',
      transferredTo: moved.body.id,
    });
    const told = (await bot.channel.waitFor(citizen.id, before + 1))[before]!;
    expect(crisisReplyOf(told)).toMatchObject({ kind: 'handoff', queue: 'd2', position: 1 });
    expect(told.text).toContain(en.transferred);
    // The operator no longer sees it; the specialist does, with everything said so far.
    expect((await operator.get(`/api/tickets/${moved.body.id}`)).status).toBe(404);

    await citizen.say('He is 82');
    const claimed = await specialist.post<TicketDetail>(`/api/tickets/${moved.body.id}/claim`);
    expect(claimed.status).toBe(200);
    const said = claimed.body.transcript.filter((m) => m.from === 'citizen').map((m) => m.text);
    expect(said).toEqual([
      'I need to talk to someone',
      'Actually my father lives next to the plant and does not answer his phone',
      'He is 82',
    ]);
  });

  it('transfers a conversation to operators of another language', async () => {
    const english = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    const french = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['fr'] });
    const citizen = bot.channel.conversation();
    await citizen.say('human please');
    const ticket = await TicketModel.findOne({ conversationId: citizen.id }).lean();
    const moved = await english.post<{ id: string; lang: string }>(
      `/api/tickets/${String(ticket!._id)}/transfer`,
      {
        lang: 'fr',
      },
    );
    expect(moved.body).toMatchObject({ lang: 'fr' });
    const queue = await french.get<{ tickets: { id: string }[] }>('/api/queues');
    expect(queue.body.tickets.map((t) => t.id)).toContain(moved.body.id);
    expect((await english.post(`/api/tickets/${moved.body.id}/claim`)).status).toBe(404);
  });

  it('gives an operator no more conversations at once than the configured capacity', async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['nl'] });
    const citizens = [1, 2, 3, 4].map(() => bot.channel.conversation());
    for (const citizen of citizens) await citizen.say('ik wil met een medewerker spreken');
    const ids = await Promise.all(
      citizens.map(async (c) => String((await TicketModel.findOne({ conversationId: c.id }).lean())!._id)),
    );
    const statuses = [];
    for (const id of ids) statuses.push((await operator.post(`/api/tickets/${id}/claim`)).status);
    // OPERATOR_CAPACITY defaults to 3.
    expect(statuses).toEqual([200, 200, 200, 409]);
    expect((await operator.post('/api/tickets/claim-next')).status).toBe(409);
    expect(await TicketModel.findById(ids[3]).lean()).toMatchObject({ state: 'waiting' });
  });
});
