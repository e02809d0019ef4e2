import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import pino from 'pino';
import { startApp, type App } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { testEnv } from '../helpers/bot';
import { TestChannel } from '../helpers/testChannel';

const MODEL_PORT = 47_391;
const LISTED_PORT = 47_392;

describe('with authentication off, /api/messages and the ports of the bot itself', () => {
  const lines: Record<string, unknown>[] = [];
  const log = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  let app: App;
  let channel: TestChannel;

  beforeAll(async () => {
    const env = testEnv({
      LOG_LEVEL: 'warn',
      EMBEDDED_MODEL_PORT: String(MODEL_PORT),
      REFUSED_SERVICE_URL_PORTS: `5984, ${LISTED_PORT}`,
    });
    app = await startApp(loadConfig(env), pino({ level: 'warn' }, log));
    channel = new TestChannel(app.url);
    await channel.start();
  });

  afterAll(async () => {
    await channel?.stop();
    await mongoose.connection.db?.dropDatabase();
    await app?.close();
  });

  const own = () => Number(new URL(app.url).port);

  it.each([
    ['its own HTTP port', () => `http://127.0.0.1:${own()}`],
    ['the embedded database (EMBEDDED_DB_PORT)', () => 'http://localhost:27018'],
    ['the embedded model (EMBEDDED_MODEL_PORT)', () => `http://[::1]:${MODEL_PORT}/v1`],
    [
      "the embedded model's next server (EMBEDDED_MODEL_PORT + 1)",
      () => `http://127.0.0.1:${MODEL_PORT + 1}/v1`,
    ],
    ['a port listed in REFUSED_SERVICE_URL_PORTS', () => `http://127.0.0.1:${LISTED_PORT}`],
  ])('refuses a serviceUrl on %s (403), logs it and answers nothing', async (_name, serviceUrl) => {
    const conversation = channel.conversation();
    const url = serviceUrl();
    const { status, body } = await conversation.post(
      conversation.activity({ type: 'message', text: 'Is het water drinkbaar?', serviceUrl: url }),
    );
    expect(status).toBe(403);
    expect(JSON.parse(body)).toEqual({
      error: 'serviceUrl port not allowed',
      details: [String(new URL(url).port)],
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        port: Number(new URL(url).port),
        msg: "serviceUrl refused: a port of the bot's own services",
      }),
    );
    expect(channel.activities(conversation.id)).toHaveLength(0);
  });

  it('still answers a loopback channel on another port', async () => {
    const replies = await channel.conversation().say('Is het water uit de kraan drinkbaar?');
    expect(replies.length).toBeGreaterThan(0);
  });
});

describe('REFUSED_SERVICE_URL_PORTS', () => {
  it('refuses what is not a list of ports, naming the variable', () => {
    expect(() => loadConfig({ REFUSED_SERVICE_URL_PORTS: '80,http' })).toThrow(/REFUSED_SERVICE_URL_PORTS/);
    expect(() => loadConfig({ REFUSED_SERVICE_URL_PORTS: '70000' })).toThrow(/REFUSED_SERVICE_URL_PORTS/);
    expect(loadConfig({ REFUSED_SERVICE_URL_PORTS: ' 80, 8080 ' }).REFUSED_SERVICE_URL_PORTS).toEqual([
      80, 8080,
    ]);
  });
});
