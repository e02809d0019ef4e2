import pino from 'pino';
import { z } from 'zod';
import { LanguageModel, type LanguageModelOptions } from '../../knowledge';
import { FakeOpenAi } from '../helpers/fakeOpenAi';

const schema = z.object({ covered: z.boolean() });
const ask = [{ role: 'user' as const, content: 'Answer in JSON.' }];

describe('language model client against a local OpenAI-compatible server', () => {
  const fake = new FakeOpenAi();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  const model = (options: Partial<LanguageModelOptions> = {}) =>
    new LanguageModel({
      baseURL: fake.url,
      model: 'test-model',
      timeoutMs: 500,
      breakerFailures: 2,
      breakerResetMs: 400,
      logger: pino({ level: 'silent' }),
      ...options,
    });

  it('asks for JSON at temperature 0 and returns the parsed reply with its tokens', async () => {
    fake.queue({ content: { covered: true }, usage: { prompt_tokens: 321, completion_tokens: 12 } });
    const result = await model({ apiKey: 'sk-test' }).complete(ask, schema);
    expect(result).toEqual({ ok: true, value: { covered: true }, usage: { tokensIn: 321, tokensOut: 12 } });
    const [request] = fake.requests;
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.body).toMatchObject({
      model: 'test-model',
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: ask,
    });
    expect(request!.headers.authorization).toBe('Bearer sk-test');
  });

  it("tells its observer each call's duration and whether it was answered (the process's metrics)", async () => {
    const observed: Array<[number, boolean]> = [];
    const client = model({ timeoutMs: 300, observeRequest: (seconds, ok) => observed.push([seconds, ok]) });
    fake.queue({ content: { covered: true } });
    await client.complete(ask, schema);
    fake.queue({ content: { covered: true }, delayMs: 3000 });
    await client.complete(ask, schema);
    expect(observed.map(([, ok]) => ok)).toEqual([true, false]);
    expect(observed[1]![0]).toBeGreaterThanOrEqual(0.25);
    expect(observed[1]![0]).toBeLessThan(2.5);
  });

  it('works with a base URL alone, as a local server needs no key', async () => {
    fake.queue({ content: { covered: false } });
    expect(await model().complete(ask, schema)).toMatchObject({ ok: true, value: { covered: false } });
  });

  it('gives up at the deadline and aborts the request', async () => {
    fake.queue({ content: { covered: true }, delayMs: 3000 });
    const started = Date.now();
    const result = await model({ timeoutMs: 300 }).complete(ask, schema);
    const elapsed = Date.now() - started;
    expect(result).toEqual({ ok: false, failure: 'timeout', usage: { tokensIn: 0, tokensOut: 0 } });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // Well before the server's answer (3 s): the request was given up at the deadline.
    expect(elapsed).toBeLessThan(2500);
  });

  it('reports malformed output (not JSON, wrong shape) as malformed, with the tokens it cost', async () => {
    const client = model();
    fake.queue({
      content: 'Sure! Here is my answer: covered.',
      usage: { prompt_tokens: 7, completion_tokens: 3 },
    });
    expect(await client.complete(ask, schema)).toEqual({
      ok: false,
      failure: 'malformed',
      usage: { tokensIn: 7, tokensOut: 3 },
    });
    fake.queue({ content: { covered: 'yes' } });
    expect(await client.complete(ask, schema)).toMatchObject({ ok: false, failure: 'malformed' });
    fake.queue({ content: '{"covered": tru' });
    expect(await client.complete(ask, schema)).toMatchObject({ ok: false, failure: 'malformed' });
    // A model that answers badly is not a service that is down: the circuit stays closed.
    fake.queue({ content: { covered: true } });
    expect(await client.complete(ask, schema)).toMatchObject({ ok: true });
  });

  it('reports server errors and broken responses as unavailable', async () => {
    const client = model({ breakerFailures: 10 });
    fake.queue({ status: 500 }, { status: 429 }, { rawBody: '<html>Bad gateway</html>' });
    for (let i = 0; i < 3; i++) {
      expect(await client.complete(ask, schema)).toMatchObject({ ok: false, failure: 'unavailable' });
    }
    expect(fake.requests).toHaveLength(3); // no retries: the deadline is the caller's
  });

  it('opens the circuit after consecutive failures, stops calling, and closes it after a good trial call', async () => {
    const client = model({ breakerFailures: 2, breakerResetMs: 400 });
    fake.queue({ status: 500 }, { delayMs: 2000, content: { covered: true } });
    expect(await client.complete(ask, schema)).toMatchObject({ failure: 'unavailable' });
    expect(await client.complete(ask, schema)).toMatchObject({ failure: 'timeout' });

    const started = Date.now();
    expect(await client.complete(ask, schema)).toMatchObject({ ok: false, failure: 'circuit-open' });
    // No request (below), and no wait for the 500 ms timeout either.
    expect(Date.now() - started).toBeLessThan(400);
    expect(fake.requests).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 450));
    fake.queue({ content: { covered: true } });
    expect(await client.complete(ask, schema)).toMatchObject({ ok: true });
    fake.queue({ content: { covered: false } });
    expect(await client.complete(ask, schema)).toMatchObject({ ok: true, value: { covered: false } });
    expect(fake.requests).toHaveLength(4);
  });

  it('opens the circuit again when the trial call fails', async () => {
    const client = model({ breakerFailures: 1, breakerResetMs: 300 });
    fake.queue({ status: 503 });
    expect(await client.complete(ask, schema)).toMatchObject({ failure: 'unavailable' });
    await new Promise((resolve) => setTimeout(resolve, 350));
    fake.queue({ status: 503 });
    expect(await client.complete(ask, schema)).toMatchObject({ failure: 'unavailable' });
    expect(await client.complete(ask, schema)).toMatchObject({ failure: 'circuit-open' });
    expect(fake.requests).toHaveLength(2);
  });
});
