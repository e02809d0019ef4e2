import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import mongoose from 'mongoose';
import { InteractionModel } from '../../models';
import { adminEnv, signedInStaff } from '../helpers/api';
import { startTestBot, useTestBot, type TestBot } from '../helpers/bot';
import { waitFor } from '../helpers/db';
import { DirectLineClient } from '../helpers/directLineClient';
import { crisisReplyOf, type ReceivedActivity } from '../helpers/testChannel';

/** A channel served in-process: it keeps what the bot sends into each of its conversations. */
class ProbeChannel {
  readonly received = new Map<string, ReceivedActivity[]>();
  serviceUrl = '';

  register(bot: TestBot, name = 'probe'): this {
    this.serviceUrl = bot.app.localChannels.register(name, {
      send: async (conversationId, activity) => {
        this.received.set(conversationId, [
          ...this.of(conversationId),
          activity as unknown as ReceivedActivity,
        ]);
        return { id: randomUUID() };
      },
    });
    return this;
  }

  of(conversationId: string): ReceivedActivity[] {
    return this.received.get(conversationId) ?? [];
  }

  total(): number {
    return [...this.received.values()].reduce((sum, list) => sum + list.length, 0);
  }

  message(conversationId: string, text: string): Activity {
    return {
      type: 'message',
      id: randomUUID(),
      channelId: 'probe',
      serviceUrl: this.serviceUrl,
      conversation: { id: conversationId },
      from: { id: `citizen-${conversationId}` },
      recipient: { id: 'bot' },
      timestamp: new Date(),
      text,
    } as Activity;
  }
}

describe('local channels: activities in and out without HTTP', () => {
  const bot = useTestBot(adminEnv);
  const probe = new ProbeChannel();
  beforeAll(() => probe.register(bot));

  it('runs a delivered message through the bot and hands the reply to the channel, logged like any other', async () => {
    const conversationId = `probe-${randomUUID()}`;
    await bot.app.localChannels.deliver(
      probe.message(conversationId, 'Is het water uit de kraan drinkbaar?'),
    );

    const replies = probe.of(conversationId);
    expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'answer', faqId: 'drinking-water', lang: 'nl' });
    // As on the wire: a reply to the citizen's activity, in their conversation.
    expect(replies[0]).toMatchObject({ conversation: { id: conversationId }, serviceUrl: probe.serviceUrl });
    const sent = replies.filter((a) => a.type === 'message').length;
    await waitFor(
      async () => (await InteractionModel.countDocuments({ conversationId, channelId: 'probe' })) >= 1 + sent,
      'the message in and the replies out in the interaction log',
    );
    const logged = await InteractionModel.find({ conversationId }).lean();
    expect(logged.filter((entry) => entry.direction === 'in')).toHaveLength(1);
    expect(logged.filter((entry) => entry.direction === 'out')).toHaveLength(sent);
  });

  it("hands an operator's reply, sent outside the citizen's turn, to the channel", async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    const conversationId = `probe-${randomUUID()}`;
    await bot.app.localChannels.deliver(probe.message(conversationId, 'I want to talk to a person'));
    expect(crisisReplyOf(probe.of(conversationId).find((a) => a.type === 'message')!)).toMatchObject({
      kind: 'handoff',
    });

    const queue = await operator.get<{ tickets: { id: string; state: string }[] }>('/api/queues');
    const ticketId = queue.body.tickets.find((t) => t.state === 'waiting')!.id;
    expect((await operator.post(`/api/tickets/${ticketId}/claim`)).status).toBe(200);
    expect(
      (await operator.post(`/api/tickets/${ticketId}/messages`, { text: 'Hello from Sam.' })).status,
    ).toBe(201);
    await waitFor(
      () => probe.of(conversationId).some((a) => a.text === 'Hello from Sam.'),
      "the operator's reply at the local channel",
    );
    const relayed = probe.of(conversationId).find((a) => a.text === 'Hello from Sam.')!;
    expect(crisisReplyOf(relayed)).toMatchObject({ kind: 'operator' });
  });

  it('refuses to deliver an activity that names another serviceUrl, and sends nothing anywhere', async () => {
    const conversation = bot.channel.conversation();
    const before = probe.total();
    const foreign = {
      ...probe.message(conversation.id, 'Moet ik binnen blijven?'),
      serviceUrl: bot.channel.serviceUrl,
    };
    await expect(bot.app.localChannels.deliver(foreign)).rejects.toThrow(
      /not the serviceUrl of a registered/,
    );
    expect(probe.total()).toBe(before);
    expect(bot.channel.activities(conversation.id)).toHaveLength(0);
  });
});

describe('local serviceUrls claimed from outside, at /api/messages', () => {
  const stateCount = () => mongoose.connection.db!.collection('botstate').countDocuments();

  it.each([
    ['authentication off, loopback allow-list', {}],
    [
      'authentication off, the local host put on the allow-list',
      { ALLOWED_SERVICE_URL_HOSTS: 'probe.local.invalid' },
    ],
    ['authentication on', { MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'app-password' }],
  ])('are refused (403) with %s, and the local channel gets nothing', async (_name, env) => {
    const bot = await startTestBot({ ...adminEnv, ...env });
    try {
      const probe = new ProbeChannel().register(bot);
      const conversationId = `probe-${randomUUID()}`;
      // A real conversation of the local channel, which an outsider tries to write into.
      await bot.app.localChannels.deliver(probe.message(conversationId, 'Moet ik binnen blijven?'));
      const received = probe.total();
      const states = await stateCount();

      const res = await fetch(`${bot.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...probe.message(conversationId, 'Ja'), serviceUrl: probe.serviceUrl }),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({
        error: 'serviceUrl reserved for channels this bot serves itself',
      });
      expect(probe.total()).toBe(received);
      expect(await stateCount()).toBe(states);
    } finally {
      await mongoose.connection.db?.dropDatabase();
      await bot.stop();
    }
  });
});

describe("the bot's own channel ids claimed from outside, at /api/messages", () => {
  const bot = useTestBot(adminEnv);
  const stateCount = () => mongoose.connection.db!.collection('botstate').countDocuments();

  it.each(['directline', 'DirectLine', 'whatsapp'])(
    "refuses channelId %s (403) whatever the serviceUrl: the citizen's conversation is untouched",
    async (channelId) => {
      // A citizen's web chat, with details the bot keeps in the conversation's state.
      const citizen = new DirectLineClient(`${bot.app.url}/v3/directline`);
      expect((await citizen.start('nl')).status).toBe(201);
      expect((await citizen.say('Ik zoek mijn dochter van 7 jaar')).status).toBe(200);
      const before = (await citizen.activities()).body.activities.length;
      const states = await stateCount();

      // The attacker's own loopback channel, and the citizen's conversation id.
      const attacker = bot.channel.conversation({ id: citizen.conversationId });
      const { status, body } = await attacker.post(
        attacker.activity({ type: 'message', text: 'Wat heb ik net gezegd?', channelId }),
      );
      expect(status).toBe(403);
      expect(JSON.parse(body)).toEqual({
        error: 'channel served by this bot itself: its activities never come through here',
      });
      expect(bot.channel.activities(citizen.conversationId)).toHaveLength(0);
      expect((await citizen.activities()).body.activities).toHaveLength(before);
      expect(await stateCount()).toBe(states);
    },
  );

  it('still serves other channels on a loopback serviceUrl', async () => {
    const replies = await bot.channel.conversation().say('Is het water uit de kraan drinkbaar?');
    expect(crisisReplyOf(replies[0]!)).toMatchObject({ kind: 'answer' });
  });
});
