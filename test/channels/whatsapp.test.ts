import { createHmac, randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { createTranslator } from '../../bot/i18n';
import { loadConfig } from '../../bot/config';
import type { Translate } from '../../dialogs';
import { IntakeCipher } from '../../handoff';
import { botStates, InteractionModel, whatsAppContacts, type PartitionedCollection } from '../../models';
import { adminEnv, signedInStaff } from '../helpers/api';
import { startTestBot, type TestBot } from '../helpers/bot';
import { waitFor } from '../helpers/db';
import { StandInServer } from '../helpers/standIn';

const PHONE_NUMBER_ID = '106540352242922';
const APP_SECRET = 'app-secret-for-tests';
const VERIFY_TOKEN = 'verify-token-for-tests';
const ACCESS_TOKEN = 'access-token-for-tests';
const API_VERSION = 'v23.0';

const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/demo-chemical-fire.json'), 'utf8'),
) as { faqs: { id: string; question: Record<string, string>; answer: Record<string, string> }[] };
const faq = (id: string) => demo.faqs.find((f) => f.id === id)!;

interface GraphCall {
  path: string;
  authorization?: string;
  body: {
    to: string;
    type: 'text' | 'interactive';
    text?: { body: string; preview_url: boolean };
    interactive?: {
      type: 'button' | 'list';
      body: { text: string };
      action: {
        buttons?: { type: string; reply: { id: string; title: string } }[];
        button?: string;
        sections?: { rows: { id: string; title: string; description?: string }[] }[];
      };
    };
  };
}

/** A local stand-in of the Graph API's messages endpoint: records what the bot sends, fails on request. */
class GraphStandIn {
  readonly calls: GraphCall[] = [];
  private failures: number[] = [];
  private server?: StandInServer;
  url = '';

  async start(): Promise<void> {
    this.server = new StandInServer((req, raw, res) => {
      const call: GraphCall = {
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(raw) as GraphCall['body'],
      };
      this.calls.push(call);
      res.setHeader('content-type', 'application/json');
      const failure = this.failures.shift();
      if (failure) {
        res.statusCode = failure;
        res.end(JSON.stringify({ error: { message: 'stand-in failure', code: failure } }));
        return;
      }
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: call.body.to, wa_id: call.body.to }],
          messages: [{ id: `wamid.out-${this.calls.length}` }],
        }),
      );
    });
    this.url = await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  /** The next requests answer these statuses, one each. */
  fail(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  to(waId: string): GraphCall['body'][] {
    return this.calls.filter((c) => c.body.to === waId).map((c) => c.body);
  }

  async waitFor(waId: string, count: number): Promise<GraphCall['body'][]> {
    await waitFor(() => this.to(waId).length >= count, `${count} WhatsApp messages to ${waId}`);
    return this.to(waId);
  }
}

type Message = Record<string, unknown> & { id: string };

/** A citizen on WhatsApp: their messages as Meta's webhook notifications carry them. */
class Citizen {
  readonly waId = `324${randomInt(10_000_000, 99_999_999)}`;

  text(body: string, id = `wamid.${randomUUID()}`): Message {
    return { ...this.base(id), type: 'text', text: { body } };
  }

  choice(kind: 'button_reply' | 'list_reply', reply: { id: string; title: string }): Message {
    return {
      ...this.base(`wamid.${randomUUID()}`),
      type: 'interactive',
      interactive: { type: kind, [kind]: reply },
    };
  }

  image(): Message {
    return {
      ...this.base(`wamid.${randomUUID()}`),
      type: 'image',
      image: { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'abc' },
    };
  }

  private base(id: string) {
    return { from: this.waId, id, timestamp: String(Math.floor(Date.now() / 1000)) };
  }
}

function notification(messages: Message[], phoneNumberId = PHONE_NUMBER_ID, extra: object = {}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              contacts: messages.map((m) => ({ profile: { name: 'Citizen' }, wa_id: m.from })),
              messages,
              ...extra,
            },
          },
        ],
      },
    ],
  };
}

const signatureOf = (body: string, secret = APP_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

describe('WhatsApp Business Cloud API webhook', () => {
  const graph = new GraphStandIn();
  let bot: TestBot;
  let t: Translate;
  const webhook = () => `${bot.app.url}/whatsapp/webhook`;

  const post = (body: string, signature: string | undefined) =>
    fetch(webhook(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
      },
      body,
    });
  /** Posts a notification signed as Meta signs it; the bot answers 200 before it runs the turns. */
  const deliver = async (payload: object) => {
    const body = JSON.stringify(payload);
    const res = await post(body, signatureOf(body));
    expect(res.status).toBe(200);
  };
  /** Every document of a collection read on citizens' turns, in whatever partitions it is split into. */
  const everything = async <T extends { _id: unknown }>(collection: PartitionedCollection<T>) =>
    (await Promise.all((await collection.all()).map((partition) => partition.find({}).toArray()))).flat();
  /** The conversation of a citizen's number: the contact whose sealed number opens to it with the data key. */
  const conversationOf = async (waId: string) => {
    const cipher = IntakeCipher.fromText(bot.env.D2_ENCRYPTION_KEY!);
    const contacts = await everything(whatsAppContacts);
    return contacts.find((c) => cipher.open<string>(c.waId!, c._id) === waId)?._id;
  };
  const interactionsOf = (conversationId: string | undefined) =>
    InteractionModel.countDocuments({ channelId: 'whatsapp', conversationId });

  beforeAll(async () => {
    await graph.start();
    t = await createTranslator(path.resolve(__dirname, '../../locales'));
    bot = await startTestBot({
      ...adminEnv,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: graph.url,
      WHATSAPP_API_VERSION: API_VERSION,
    });
  });
  afterAll(async () => {
    await mongoose.connection.db?.dropDatabase();
    await bot?.stop();
    await graph.stop();
  });

  describe('verification handshake', () => {
    const handshake = (query: Record<string, string>) =>
      fetch(`${webhook()}?${new URLSearchParams(query).toString()}`);

    it('echoes the challenge to the right verify token', async () => {
      const res = await handshake({
        'hub.mode': 'subscribe',
        'hub.verify_token': VERIFY_TOKEN,
        'hub.challenge': '1158201444',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('1158201444');
    });

    it('refuses a wrong token or mode with 403, and a request without a challenge with 400', async () => {
      const wrongToken = await handshake({
        'hub.mode': 'subscribe',
        'hub.verify_token': 'guessed',
        'hub.challenge': '1158201444',
      });
      expect(wrongToken.status).toBe(403);
      expect(await wrongToken.text()).not.toContain('1158201444');
      const wrongMode = await handshake({
        'hub.mode': 'unsubscribe',
        'hub.verify_token': VERIFY_TOKEN,
        'hub.challenge': '1158201444',
      });
      expect(wrongMode.status).toBe(403);
      expect((await handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN })).status).toBe(
        400,
      );
    });
  });

  describe('signatures', () => {
    it('refuses a forged, missing or misplaced signature and processes nothing', async () => {
      const forger = new Citizen();
      const forged = forger.text('Moet ik binnen blijven?');
      const payload = JSON.stringify(notification([forged]));

      expect((await post(payload, signatureOf(payload, 'another-secret'))).status).toBe(403);
      expect((await post(payload, undefined)).status).toBe(401);
      expect((await post(payload, 'sha256=zz')).status).toBe(403);
      const tampered = payload.replace('binnen blijven', 'buiten spelen');
      expect((await post(tampered, signatureOf(payload))).status).toBe(403);

      // Properly signed, the same kind of notification is answered: the forged ones would have been too.
      const honest = new Citizen();
      await deliver(notification([honest.text('Moet ik binnen blijven?')]));
      await graph.waitFor(honest.waId, 1);
      const honestConversation = await conversationOf(honest.waId);
      await waitFor(async () => (await interactionsOf(honestConversation)) === 2, 'the honest turn logged');

      expect(graph.to(forger.waId)).toHaveLength(0);
      expect(await conversationOf(forger.waId)).toBeUndefined();
      expect(
        await mongoose.connection.collection('whatsappmessages').countDocuments({ _id: forged.id as never }),
      ).toBe(0);
      // Every WhatsApp conversation in the interaction log is one of a number that reached the bot.
      const logged = await InteractionModel.distinct('conversationId', { channelId: 'whatsapp' });
      const known = (await everything(whatsAppContacts)).map((c) => c._id);
      expect(logged.filter((id) => !known.includes(id))).toEqual([]);
    });

    it('verifies the raw bytes: accents sent as UTF-8 pass, and the answer is French', async () => {
      const citizen = new Citizen();
      const body = JSON.stringify(
        notification([citizen.text('Dois-je rester à la maison avec les fenêtres fermées ?')]),
      );
      expect(body).toContain('à la maison');
      const res = await post(body, signatureOf(body));
      expect(res.status).toBe(200);
      const [sent] = await graph.waitFor(citizen.waId, 1);
      expect(sent!.interactive!.body.text).toContain(faq('stay-indoors').answer.fr!);
      expect(sent!.interactive!.action.buttons!.map((b) => b.reply.title)).toEqual([
        t('fr', 'helpfulYes'),
        t('fr', 'helpfulNo'),
      ]);
    });

    it('refuses a signed notification that is not a WhatsApp one (400), sending nothing', async () => {
      const citizen = new Citizen();
      const body = JSON.stringify({ object: 'page', entry: [] });
      const res = await post(body, signatureOf(body));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid notification' });
      const textless = JSON.stringify(notification([{ ...citizen.text('x'), text: undefined }]));
      expect((await post(textless, signatureOf(textless))).status).toBe(400);
      expect(graph.to(citizen.waId)).toHaveLength(0);
    });
  });

  describe('conversations', () => {
    it('answers a Dutch question with reply buttons, to the citizen, with the access token', async () => {
      const citizen = new Citizen();
      await deliver(notification([citizen.text('Is het water uit de kraan drinkbaar?')]));
      const [sent] = await graph.waitFor(citizen.waId, 1);
      const call = graph.calls.find((c) => c.body.to === citizen.waId)!;
      expect(call.path).toBe(`/${API_VERSION}/${PHONE_NUMBER_ID}/messages`);
      expect(call.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(sent).toMatchObject({ messaging_product: 'whatsapp', to: citizen.waId, type: 'interactive' });
      expect(sent!.interactive!.type).toBe('button');
      expect(sent!.interactive!.body.text).toContain(faq('drinking-water').answer.nl!);
      expect(sent!.interactive!.body.text).toContain(t('nl', 'helpfulQuestion'));
      expect(sent!.interactive!.action.buttons).toEqual([
        { type: 'reply', reply: { id: t('nl', 'helpfulYes'), title: t('nl', 'helpfulYes') } },
        { type: 'reply', reply: { id: t('nl', 'helpfulNo'), title: t('nl', 'helpfulNo') } },
      ]);

      // Tapping "Ja" comes back as an interactive reply; the thanks are a plain text message.
      await deliver(
        notification([citizen.choice('button_reply', sent!.interactive!.action.buttons![0]!.reply)]),
      );
      const [, thanks] = await graph.waitFor(citizen.waId, 2);
      expect(thanks).toMatchObject({ type: 'text', text: { body: t('nl', 'feedbackThanks') } });
    });

    it('offers longer choices as a list and answers the row chosen', async () => {
      const citizen = new Citizen();
      await deliver(notification([citizen.text('vraagje over de tuin en de kippen en het water')]));
      const [clarify] = await graph.waitFor(citizen.waId, 1);
      expect(clarify!.interactive).toMatchObject({
        type: 'list',
        body: { text: t('nl', 'clarify') },
        action: { button: t('nl', 'choicesButton') },
      });
      const rows = clarify!.interactive!.action.sections![0]!.rows;
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) {
        expect(row.title.length).toBeLessThanOrEqual(24);
        expect((row.description ?? '').length).toBeLessThanOrEqual(72);
      }
      const chosen = demo.faqs.find((f) => f.question.nl === rows[1]!.id)!;
      expect(chosen).toBeDefined();

      await deliver(notification([citizen.choice('list_reply', { id: rows[1]!.id, title: rows[1]!.title })]));
      const [, answer] = await graph.waitFor(citizen.waId, 2);
      expect(answer!.interactive!.body.text).toContain(chosen.answer.nl!);
    });

    it("answers a photo politely, in the citizen's language, that only text is read", async () => {
      const citizen = new Citizen();
      await deliver(notification([citizen.text('Zijn de scholen morgen gesloten?')]));
      await graph.waitFor(citizen.waId, 1);
      await deliver(notification([citizen.image()]));
      const [, polite] = await graph.waitFor(citizen.waId, 2);
      expect(polite).toMatchObject({ type: 'text', text: { body: t('nl', 'textOnly') } });
    });

    it('acknowledges delivery statuses and reactions without answering them', async () => {
      const citizen = new Citizen();
      const status = {
        id: 'wamid.out-1',
        status: 'read',
        timestamp: '1700000000',
        recipient_id: citizen.waId,
      };
      await deliver(notification([], PHONE_NUMBER_ID, { statuses: [status] }));
      const reaction = {
        ...citizen.text('x'),
        type: 'reaction',
        text: undefined,
        reaction: { message_id: 'wamid.out-1', emoji: '👍' },
      };
      await deliver(notification([reaction, citizen.text('Welke wegen zijn afgesloten?')]));
      const sent = await graph.waitFor(citizen.waId, 1);
      const conversation = await conversationOf(citizen.waId);
      await waitFor(async () => (await interactionsOf(conversation)) >= 2, 'the question logged');
      expect(sent).toHaveLength(1);
      // The question in and its answer out; the reaction, before it, neither logged nor answered.
      expect(await interactionsOf(conversation)).toBe(2);
    });

    it('answers a message delivered twice (or concurrently) once', async () => {
      const citizen = new Citizen();
      const question = citizen.text('Waar is het opvangcentrum?');
      await Promise.all([deliver(notification([question])), deliver(notification([question]))]);
      await graph.waitFor(citizen.waId, 1);
      // Redelivered later in a notification with a new message after it, processed in order.
      await deliver(notification([question, citizen.text('Welke wegen zijn afgesloten?')]));
      const sent = await graph.waitFor(citizen.waId, 2);
      expect(sent).toHaveLength(2);
      expect(sent[0]!.interactive!.body.text).toContain(faq('reception-centre').answer.nl!);
      expect(sent[1]!.interactive!.body.text).toContain(faq('roads-transport').answer.nl!);
    });

    it('ignores messages to another business number', async () => {
      const citizen = new Citizen();
      await deliver(notification([citizen.text('Moet ik binnen blijven?')], '999999999999'));
      await deliver(notification([citizen.text('Welke wegen zijn afgesloten?')]));
      const sent = await graph.waitFor(citizen.waId, 1);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.interactive!.body.text).toContain(faq('roads-transport').answer.nl!);
    });

    it('retries a Graph API send that failed with 503 or 429, and gives up on a 400', async () => {
      const citizen = new Citizen();
      graph.fail(503, 429);
      await deliver(notification([citizen.text('Moet ik binnen blijven?')]));
      await graph.waitFor(citizen.waId, 3);
      expect(graph.to(citizen.waId)).toHaveLength(3);

      const refused = new Citizen();
      graph.fail(400);
      await deliver(notification([refused.text('Moet ik binnen blijven?')]));
      await graph.waitFor(refused.waId, 1);
      // The failed turn's apology is the next send: nothing else is retried.
      await graph.waitFor(refused.waId, 2);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(graph.to(refused.waId)).toHaveLength(2);
      expect(graph.to(refused.waId)[1]).toMatchObject({ type: 'text', text: { body: t('nl', 'error') } });
    });
  });

  describe("an operator's reply and the 24-hour window", () => {
    it('reaches the citizen inside the window, is not sent outside it, and the number is stored sealed only', async () => {
      const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['nl'] });
      const citizen = new Citizen();
      await deliver(notification([citizen.text('Ik wil met een medewerker spreken')]));
      await graph.waitFor(citizen.waId, 1);
      const queue = await operator.get<{ tickets: { id: string; state: string }[] }>('/api/queues');
      const ticketId = queue.body.tickets.find((ticket) => ticket.state === 'waiting')!.id;
      expect((await operator.post(`/api/tickets/${ticketId}/claim`)).status).toBe(200);
      const before = graph.to(citizen.waId).length;
      expect(
        (await operator.post(`/api/tickets/${ticketId}/messages`, { text: 'Hallo, met Sam.' })).status,
      ).toBe(201);
      const relayed = await graph.waitFor(citizen.waId, before + 1);
      expect(relayed.at(-1)).toMatchObject({ type: 'text', text: { body: 'Hallo, met Sam.' } });

      const conversation = (await conversationOf(citizen.waId))!;
      expect(conversation).toBeDefined();
      for (const stored of [
        await everything(whatsAppContacts),
        await InteractionModel.find({ channelId: 'whatsapp' }).lean(),
        await mongoose.connection.collection('tickets').find().toArray(),
        (await everything(botStates)).map((state) => state._id),
      ]) {
        expect(JSON.stringify(stored)).not.toContain(citizen.waId);
      }

      const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
      await (
        await whatsAppContacts.for(conversation)
      ).updateOne({ _id: conversation }, { $set: { lastInboundAt: dayAgo } });
      const count = graph.to(citizen.waId).length;
      // The operator is told the reply did not reach the citizen, and it is not kept as sent.
      const late = await operator.post<{ error: string }>(`/api/tickets/${ticketId}/messages`, {
        text: 'Bent u er nog?',
      });
      expect(late.status).toBe(502);
      expect(late.body.error).toMatch(/did not reach the citizen: .*24-hour window has closed/);
      expect(graph.to(citizen.waId)).toHaveLength(count);

      // The citizen writes again: the window opens again and the bot answers.
      await deliver(notification([citizen.text('annuleren')]));
      await graph.waitFor(citizen.waId, count + 1);
    });
  });
});

describe('WhatsApp configuration', () => {
  it('answers 404 on the webhook when WhatsApp is not configured', async () => {
    const bot = await startTestBot();
    try {
      const body = JSON.stringify(notification([new Citizen().text('Moet ik binnen blijven?')]));
      const posted = await fetch(`${bot.app.url}/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body) },
        body,
      });
      expect(posted.status).toBe(404);
      const handshake = await fetch(
        `${bot.app.url}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`,
      );
      expect(handshake.status).toBe(404);
    } finally {
      await mongoose.connection.db?.dropDatabase();
      await bot.stop();
    }
  });

  it('refuses to start with only some of the WhatsApp secrets, naming the missing ones', () => {
    expect(() =>
      loadConfig({ WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN }),
    ).toThrow(/WHATSAPP_VERIFY_TOKEN: required[\s\S]*WHATSAPP_PHONE_NUMBER_ID: required/);
    expect(() =>
      loadConfig({
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
        WHATSAPP_PHONE_NUMBER_ID: 'not-a-number',
      }),
    ).toThrow(/WHATSAPP_PHONE_NUMBER_ID: must be the numeric phone number ID/);
  });
});
