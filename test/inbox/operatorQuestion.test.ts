import mongoose from 'mongoose';
import { IntakeCipher, Tickets } from '../../handoff';
import { UnansweredInbox } from '../../inbox';
import { adminEnv, signedInStaff } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import { silentLogger } from '../helpers/db';
import { prewarmTriageClassifier } from '../triage/testModel';

beforeAll(() => prewarmTriageClassifier(), 300_000);

const SLUG = 'demo-chemical-fire';

/** "Add this question to the FAQ" from the operator console: a D5 citizen's question, masked; never a D2 ticket's. */
describe("an operator's question for the FAQ", () => {
  const bot = useTestBot(adminEnv);
  const inbox = () => new UnansweredInbox(IntakeCipher.fromText(bot.env.D2_ENCRYPTION_KEY!), silentLogger);

  it("puts the D5 citizen's last question in the inbox, masked, next to the entry the operator used", async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    const citizen = bot.channel.conversation();
    await citizen.say('I want to talk to a person');
    const ticketId = (await operator.get<{ tickets: { id: string }[] }>('/api/queues')).body.tickets[0]!.id;
    expect((await operator.post(`/api/tickets/${ticketId}/claim`)).status).toBe(200);
    await citizen.say('my street is not on the list of the reception centre, call me on 0470 12 34 56');

    const res = await operator.post(`/api/tickets/${ticketId}/faq-question`, { faqId: 'reception-centre' });
    expect(res).toMatchObject({ status: 201, body: { collected: true } });
    const stored = await inbox().openMessages(SLUG);
    expect(stored).toEqual([
      expect.objectContaining({
        source: 'operator',
        lang: 'en',
        closestFaqId: 'reception-centre',
        text: 'my street is not on the list of the reception centre, call me on [phone]',
      }),
    ]);
    expect(stored[0]!.vector).toBeInstanceOf(Float32Array);
    expect((await operator.post(`/api/tickets/${ticketId}/faq-question`, { messageId: 'nope' })).status).toBe(
      400,
    );
  });

  it("refuses a D2 ticket's words, and stores nothing", async () => {
    const before = await mongoose.connection.db!.collection('unansweredmessages').countDocuments();
    const tickets = new Tickets(IntakeCipher.fromText(bot.env.D2_ENCRYPTION_KEY!));
    const ticket = await tickets.open({
      queue: 'd2',
      reason: 'd2',
      crisisSlug: SLUG,
      conversationId: 'c-d2',
      channelId: 'test',
      lang: 'en',
      transcript: [{ at: new Date().toISOString(), from: 'citizen', text: 'I cannot find my mother' }],
    });
    const agent = await signedInStaff(bot.app.url, { roles: ['d2-agent'], languages: ['en'] });
    expect((await agent.post(`/api/tickets/${ticket.id}/faq-question`)).status).toBe(409);
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    expect((await operator.post(`/api/tickets/${ticket.id}/faq-question`)).status).toBe(404);
    expect(await mongoose.connection.db!.collection('unansweredmessages').countDocuments()).toBe(before);
  });
});
