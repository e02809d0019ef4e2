import fs from 'node:fs';
import path from 'node:path';
import { adminEnv, signedInStaff } from '../helpers/api';
import { useTestBot, type TestBot } from '../helpers/bot';
import { DirectLineClient, Stream } from '../helpers/directLineClient';
import { crisisReplyOf, type ReceivedActivity } from '../helpers/testChannel';

const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../content/demo-chemical-fire.json'), 'utf8'),
) as { crisis: { title: Record<string, string> }; faqs: { id: string; answer: Record<string, string> }[] };
const languageSwitched = (lang: string) =>
  (
    JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../locales/${lang}/bot.json`), 'utf8')) as Record<
      string,
      string
    >
  ).languageSwitched;

const DUTCH_QUESTION = 'Is het water uit de kraan drinkbaar?';
const isAnswer = (faqId: string) => (a: ReceivedActivity) =>
  a.type === 'message' && crisisReplyOf(a)?.kind === 'answer' && crisisReplyOf(a)?.faqId === faqId;

const client = (bot: TestBot) => new DirectLineClient(`${bot.app.url}/v3/directline`);

async function started(bot: TestBot, locale?: string): Promise<DirectLineClient> {
  const dl = client(bot);
  const res = await dl.start(locale);
  expect(res.status).toBe(201);
  return dl;
}

describe('the Direct Line endpoint, against the whole bot', () => {
  const bot = useTestBot(adminEnv);

  it('starts a conversation with a welcome, echoes what the citizen posts and answers after it, by watermark', async () => {
    const dl = await started(bot, 'nl-BE');
    expect(dl.conversationId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(dl.streamUrl).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${dl.conversationId}/stream\\?`),
    );

    const welcome = await dl.activities();
    expect(welcome.status).toBe(200);
    expect(welcome.body.activities).toHaveLength(1);
    expect(crisisReplyOf(welcome.body.activities[0]!)).toMatchObject({ kind: 'greeting', lang: 'nl' });
    expect(welcome.body.activities[0]!.text).toContain(demo.crisis.title.nl);
    expect(welcome.body.watermark).toBe('1');

    const clientActivityID = 'client-activity-1';
    const posted = await dl.say(DUTCH_QUESTION, { channelData: { clientActivityID }, locale: 'nl-BE' });
    expect(posted.status).toBe(200);
    const after = await dl.activities(welcome.body.watermark);
    const [echo, answer, ...rest] = after.body.activities;
    // Web Chat shows "send failed" unless its own activity comes back with an id and its clientActivityID.
    expect(echo).toMatchObject({
      id: posted.body.id,
      type: 'message',
      text: DUTCH_QUESTION,
      from: { role: 'user' },
      channelData: { clientActivityID },
    });
    expect(answer!.replyToId).toBe(posted.body.id);
    expect(isAnswer('drinking-water')(answer!)).toBe(true);
    expect(answer!.text).toContain(demo.faqs.find((f) => f.id === 'drinking-water')!.answer.nl);
    expect(Number(after.body.watermark)).toBe(3 + rest.length);

    // A reader that has everything gets nothing new and keeps its watermark.
    const nothing = await dl.activities(after.body.watermark);
    expect(nothing.body).toEqual({ activities: [], watermark: after.body.watermark });
    // From the start again: the same activities, in the same order.
    const all = await dl.activities('');
    expect(all.body.activities.map((a) => a.id)).toEqual([
      welcome.body.activities[0]!.id,
      ...after.body.activities.map((a) => a.id),
    ]);
  });

  it('pushes activity sets on the WebSocket stream, and after a reconnect sends only what was missed', async () => {
    const dl = await started(bot);
    const stream = await dl.openStream();
    try {
      const greeting = await stream.waitFor((a) => crisisReplyOf(a)?.kind === 'greeting', 'welcome');
      expect(stream.sets[0]!.watermark).toBe('1');
      expect(greeting.type).toBe('message');
      await dl.say('Where is the reception centre?');
      await stream.waitFor(isAnswer('reception-centre'), 'answer');
    } finally {
      await stream.close();
    }
    const seen = stream.sets.at(-1)!.watermark;

    // While the citizen is away, the conversation goes on (the bot answers a post of theirs).
    expect((await dl.say(DUTCH_QUESTION)).status).toBe(200);
    const reconnected = await dl.reconnect(seen);
    expect(reconnected.status).toBe(200);
    expect(reconnected.body.streamUrl).toContain(`watermark=${seen}`);
    const again = await dl.openStream();
    try {
      await again.waitFor(isAnswer('drinking-water'), 'the answer given while away');
      const texts = again.activities.map((a) => a.text);
      expect(texts[0]).toBe(DUTCH_QUESTION);
      expect(texts).not.toContain('Where is the reception centre?');
      expect(Number(String(again.sets[0]!.activities[0]!.id).split('|')[1])).toBe(Number(seen) + 1);
    } finally {
      await again.close();
    }
  });

  it("streams an operator's reply, sent outside the citizen's turn", async () => {
    const operator = await signedInStaff(bot.app.url, { roles: ['operator'], languages: ['en'] });
    const dl = await started(bot);
    const stream = await dl.openStream();
    try {
      await dl.say('I want to talk to a person');
      await stream.waitFor((a) => crisisReplyOf(a)?.kind === 'handoff', 'the queue notice');
      const queue = await operator.get<{ tickets: { id: string; state: string }[] }>('/api/queues');
      const ticketId = queue.body.tickets.find((t) => t.state === 'waiting')!.id;
      expect((await operator.post(`/api/tickets/${ticketId}/claim`)).status).toBe(200);
      expect(
        (await operator.post(`/api/tickets/${ticketId}/messages`, { text: 'Hello, this is Sam.' })).status,
      ).toBe(201);
      const relayed = await stream.waitFor((a) => a.text === 'Hello, this is Sam.', "the operator's reply");
      expect(crisisReplyOf(relayed)).toMatchObject({ kind: 'operator' });
    } finally {
      await stream.close();
    }
  });

  it('switches language when the page says the citizen picked one', async () => {
    const dl = await started(bot, 'fr-BE');
    const posted = await dl.post({ type: 'event', name: 'crisis.language', value: 'de', locale: 'de-DE' });
    expect(posted.status).toBe(200);
    const { body } = await dl.activities('1');
    const switched = body.activities.find((a) => a.type === 'message')!;
    expect(crisisReplyOf(switched)).toMatchObject({ kind: 'language', lang: 'de' });
    expect(switched.text).toBe(languageSwitched('de'));
    // A short follow-up stays in the chosen language, though the conversation began in French.
    await dl.say('Schulen?');
    const next = await dl.activities(body.watermark);
    expect(
      crisisReplyOf(next.body.activities.find((a) => (a.from as { role?: string }).role !== 'user')!),
    ).toMatchObject({
      lang: 'de',
    });
  });

  it('refuses a token of one conversation on another (403) and stores nothing there', async () => {
    const a = await started(bot);
    const b = await started(bot);
    const before = (await b.activities()).body;

    const onB = (path: string) => `/conversations/${b.conversationId}${path}`;
    expect(
      (await a.post({ type: 'message', text: 'Moet ik binnen blijven?' }, b.conversationId)).status,
    ).toBe(403);
    expect((await a.activities('', b.conversationId)).status).toBe(403);
    expect((await a.request('GET', onB('?watermark=0'))).status).toBe(403);
    const stolenStream = b.streamUrl.replace(/t=[^&]+/, `t=${new URL(a.streamUrl).searchParams.get('t')}`);
    await expect(Stream.open(stolenStream)).rejects.toThrow('stream refused: 403');
    const response = await a.post({ type: 'message', text: 'x' }, b.conversationId);
    expect(response.body).toMatchObject({ error: { code: 'Forbidden' } });

    expect((await b.activities()).body).toEqual(before);
  });

  it('answers bad requests with 4xx and a clear error, storing nothing', async () => {
    const dl = await started(bot);
    const before = (await dl.activities()).body;

    expect(
      (await dl.request('GET', `/conversations/${dl.conversationId}/activities`, { token: null })).status,
    ).toBe(401);
    const forged = await dl.request('GET', `/conversations/${dl.conversationId}/activities`, {
      token: `${dl.token.slice(0, -4)}AAAA`,
    });
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'Unauthorized' } } });
    await expect(Stream.open(dl.streamUrl.replace(/t=[^&]+/, 't=nonsense'))).rejects.toThrow(
      'stream refused: 403',
    );

    for (const [activity, problem] of [
      [{ type: 'invoke', text: 'hi' }, 'type'],
      [{ type: 'message' }, 'text'],
      [{ type: 'message', text: 'x'.repeat(10_001) }, 'text'],
      [
        {
          type: 'message',
          text: 'hi',
          attachments: [{ contentType: 'image/png', contentUrl: 'https://x.test/a' }],
        },
        'attachments',
      ],
      [{ type: 'message', text: 'hi', locale: 'not a locale!' }, 'locale'],
      [{ type: 'event', name: 'crisis.language', value: 'es' }, 'value'],
      [{ type: 'event', name: 'something.else', value: 'nl' }, 'name'],
    ] as const) {
      const res = await dl.post(activity);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'BadArgument', message: 'invalid activity' } });
      expect(JSON.stringify(res.body)).toContain(problem);
    }
    const tooBig = await dl.post({
      type: 'message',
      text: 'hi',
      channelData: { padding: 'x'.repeat(40_000) },
    });
    expect(tooBig.status).toBe(413);
    expect((await dl.activities('abc')).status).toBe(400);

    expect((await dl.activities()).body).toEqual(before);
  });

  it('answers a message over 2,000 characters politely rather than refusing it', async () => {
    const dl = await started(bot);
    expect((await dl.say(`Moet ik binnen blijven? ${'x'.repeat(2100)}`)).status).toBe(200);
    const { body } = await dl.activities('1');
    expect(crisisReplyOf(body.activities[1]!)).toMatchObject({ kind: 'info' });
  });
});

describe('Direct Line tokens: expiry, refresh, and the limit on new conversations', () => {
  // Tokens of 3 seconds, so expiry is seen in a test.
  const bot = useTestBot({ DIRECT_LINE_TOKEN_MINUTES: '0.05', DIRECT_LINE_STARTS_PER_MINUTE: '3' });

  it('refreshes a token before it expires; an expired token is refused (403 TokenExpired), also for a refresh', async () => {
    const dl = await started(bot);
    expect(dl.token).toBeTruthy();
    const first = dl.token;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const refreshed = await dl.request<{ token: string; conversationId: string; expires_in: number }>(
      'POST',
      '/tokens/refresh',
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ conversationId: dl.conversationId, expires_in: 3 });
    const second = refreshed.body.token;
    expect(second).not.toBe(first);

    // Tokens count whole seconds: just past the first one's expiry, the refreshed one still has at least a second.
    const expiry = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number }).exp;
    expect(expiry(second)).toBeGreaterThan(expiry(first));
    await new Promise((resolve) => setTimeout(resolve, expiry(first) * 1000 + 100 - Date.now()));
    const expired = await dl.request('GET', `/conversations/${dl.conversationId}/activities`, {
      token: first,
    });
    expect(expired).toMatchObject({ status: 403, body: { error: { code: 'TokenExpired' } } });
    const stillGood = await dl.request('GET', `/conversations/${dl.conversationId}/activities`, {
      token: second,
    });
    expect(stillGood.status).toBe(200);
    expect((await dl.request('POST', '/tokens/refresh', { token: first })).status).toBe(403);
  });

  it('limits new conversations per address (429 with Retry-After)', async () => {
    // Three a minute here; other tests of this bot may have used some already.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await client(bot).start()).status);
    expect(statuses[0]).toBe(201);
    expect(statuses.every((status) => status === 201 || status === 429)).toBe(true);
    const res = await fetch(`${bot.app.url}/v3/directline/conversations`, { method: 'POST' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const page = await fetch(`${bot.app.url}/chat/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(page.status).toBe(429);
  });
});

describe('Direct Line conversations end with their retention', () => {
  // Activities are deleted after DIRECT_LINE_RETENTION_HOURS: a conversation must not outlive them.
  const bot = useTestBot({ DIRECT_LINE_RETENTION_HOURS: '1', DIRECT_LINE_TOKEN_MINUTES: '120' });

  it('gives no token, first or refreshed, that outlives the conversation', async () => {
    const dl = await started(bot);
    const first = await dl.request<{ expires_in: number }>('POST', '/tokens/refresh');
    expect(first.status).toBe(200);
    expect(first.body.expires_in).toBeLessThanOrEqual(3600);
    expect(first.body.expires_in).toBeGreaterThan(3500);
  });
});
