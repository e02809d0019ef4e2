import mongoose from 'mongoose';
import { adminEnv, openEvents, signedInStaff, type EventStream } from '../helpers/api';
import { spawnBot, testEnv, type BotProcess } from '../helpers/bot';
import { connectDatabase, disconnectDatabase } from '../../embedded';
import { silentLogger } from '../helpers/db';
import { crisisReplyOf, TestChannel } from '../helpers/testChannel';

describe('handoff across two bot processes on one database', () => {
  const env = testEnv({ ...adminEnv, HANDOFF_SWEEP_MS: '300', EVENTS_POLL_MS: '200' });
  let citizenSide: BotProcess;
  let operatorSide: BotProcess;
  let channel: TestChannel;
  let stream: EventStream | undefined;

  beforeAll(async () => {
    // Started one after the other: both would otherwise race to create the first admin and the demo crisis.
    citizenSide = await spawnBot(env);
    operatorSide = await spawnBot(env);
    channel = new TestChannel(citizenSide.url);
    await channel.start();
  }, 90_000);

  afterAll(async () => {
    stream?.close();
    await channel?.stop();
    await Promise.all([citizenSide?.kill(), operatorSide?.kill()]);
    await connectDatabase(env.MONGODB_URI!, silentLogger);
    await mongoose.connection.dropDatabase();
    await disconnectDatabase();
  });

  it('relays a citizen on one process and an operator on the other, both ways', async () => {
    const operator = await signedInStaff(operatorSide.url, {
      roles: ['operator'],
      languages: ['en'],
      displayName: 'Alex',
    });
    stream = await openEvents(operator);
    const citizen = channel.conversation();

    const queued = await citizen.say('Can I speak to a human?');
    expect(crisisReplyOf(queued.find((a) => a.type === 'message')!)).toMatchObject({
      kind: 'handoff',
      queue: 'd5',
      position: 1,
    });

    const listed = await stream.waitFor(
      (e) =>
        e.event === 'queue' && (e.data.tickets as { state: string }[]).some((t) => t.state === 'waiting'),
      'the waiting ticket',
    );
    const ticketId = (listed.data.tickets as { id: string }[])[0]!.id;
    const before = channel.activities(citizen.id).length;
    expect((await operator.post(`/api/tickets/${ticketId}/claim`)).status).toBe(200);
    // Sent by the operator's process straight to the citizen's channel.
    const joined = (await channel.waitFor(citizen.id, before + 1))[before]!;
    expect(crisisReplyOf(joined)).toMatchObject({ kind: 'handoff', queue: 'd5' });
    expect(joined.text).toContain('Alex');

    // The citizen's message reaches the citizen's process; the operator's process streams it.
    expect(await citizen.say('My car is parked near the plant, can I fetch it?')).toEqual([]);
    const relayed = await stream.waitFor(
      (e) => e.event === 'message' && (e.data.message as { from: string }).from === 'citizen',
      "the citizen's message",
    );
    expect(relayed.data).toMatchObject({
      ticketId,
      message: { from: 'citizen', text: 'My car is parked near the plant, can I fetch it?' },
    });

    const count = channel.activities(citizen.id).length;
    expect(
      (await operator.post(`/api/tickets/${ticketId}/messages`, { text: 'Not before tomorrow noon.' }))
        .status,
    ).toBe(201);
    const reply = (await channel.waitFor(citizen.id, count + 1))[count]!;
    expect(reply).toMatchObject({ type: 'message', text: 'Not before tomorrow noon.' });
    expect(crisisReplyOf(reply)).toMatchObject({ kind: 'operator', lang: 'en' });

    // In order: three quick replies arrive as sent.
    for (const text of ['One', 'Two', 'Three']) {
      expect((await operator.post(`/api/tickets/${ticketId}/messages`, { text })).status).toBe(201);
    }
    const three = (await channel.waitFor(citizen.id, count + 4)).slice(count + 1).map((a) => a.text);
    expect(three).toEqual(['One', 'Two', 'Three']);

    expect((await operator.post(`/api/tickets/${ticketId}/close`, { outcome: 'resolved' })).status).toBe(200);
    const back = await citizen.say('Where is the reception centre?');
    expect(crisisReplyOf(back[0]!)).toMatchObject({ kind: 'answer', faqId: 'reception-centre' });
  }, 60_000);
});
