import mongoose from 'mongoose';
import WebSocket from 'ws';
import { connectDatabase, disconnectDatabase } from '../../embedded';
import { adminEnv, signedInStaff } from '../helpers/api';
import { spawnBot, testEnv, type BotProcess } from '../helpers/bot';
import { silentLogger } from '../helpers/db';
import { DirectLineClient } from '../helpers/directLineClient';
import { crisisReplyOf } from '../helpers/testChannel';

describe('one Direct Line conversation served by two bot processes on one database', () => {
  const env = testEnv({ ...adminEnv, DIRECT_LINE_POLL_MS: '200' });
  let first: BotProcess;
  let second: BotProcess;

  beforeAll(async () => {
    // One after the other: both would otherwise race to create the first admin and the demo crisis.
    first = await spawnBot(env);
    second = await spawnBot(env);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([first?.kill(), second?.kill()]);
    await connectDatabase(env.MONGODB_URI!, silentLogger);
    await mongoose.connection.dropDatabase();
    await disconnectDatabase();
  });

  it("streams from one process what the other stored, an operator's reply included", async () => {
    const onFirst = new DirectLineClient(`${first.url}/v3/directline`);
    expect((await onFirst.start()).status).toBe(201);
    // The same conversation, its token checked and its stream served by the other process.
    const onSecond = new DirectLineClient(`${second.url}/v3/directline`);
    onSecond.conversationId = onFirst.conversationId;
    onSecond.token = onFirst.token;
    expect((await onSecond.reconnect('0')).status).toBe(200);
    expect(onSecond.streamUrl).toContain(new URL(second.url).host);
    const stream = await onSecond.openStream();
    try {
      await stream.waitFor(
        (a) => crisisReplyOf(a)?.kind === 'greeting',
        'the welcome stored by the first process',
      );

      const operator = await signedInStaff(first.url, { roles: ['operator'], languages: ['en'] });
      expect((await onFirst.say('I want to talk to a person')).status).toBe(200);
      await stream.waitFor((a) => crisisReplyOf(a)?.kind === 'handoff', 'the queue notice');
      const queue = await operator.get<{ tickets: { id: string; state: string }[] }>('/api/queues');
      const ticketId = queue.body.tickets.find((t) => t.state === 'waiting')!.id;
      expect((await operator.post(`/api/tickets/${ticketId}/claim`)).status).toBe(200);

      const sentAt = Date.now();
      expect((await operator.post(`/api/tickets/${ticketId}/messages`, { text: 'Alex here.' })).status).toBe(
        201,
      );
      await stream.waitFor((a) => a.text === 'Alex here.', "the operator's reply");
      console.log(
        `operator reply sent by one process, on the stream of the other after ${Date.now() - sentAt} ms`,
      );

      // Both processes serve the same activities, in the same order.
      const read = await onFirst.activities('');
      expect(read.body.activities.some((a) => a.text === 'Alex here.')).toBe(true);
      expect(read.body.activities.map((a) => a.id)).toEqual(stream.activities.map((a) => a.id));
    } finally {
      await stream.close();
    }
  });

  it('drops a stream whose client sends an oversized frame, and the process goes on', async () => {
    const dl = new DirectLineClient(`${first.url}/v3/directline`);
    expect((await dl.start()).status).toBe(201);
    const socket = new WebSocket(dl.streamUrl);
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(4096));
    expect(await closed).toBe(1009);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect(first.child.exitCode).toBeNull();
  });
});
