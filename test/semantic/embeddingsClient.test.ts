import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EMBEDDED_MODEL_NAME } from '../../embedded';
import { EmbeddingsClient, similarity, type EmbeddingsClientOptions, type Vector } from '../../semantic';
import { silentLogger, testModelPort, waitFor } from '../helpers/db';
import { StandInEmbeddings } from '../helpers/standInEmbeddings';

function clientOf(url: string | string[], options: Partial<EmbeddingsClientOptions> = {}): EmbeddingsClient {
  return new EmbeddingsClient({
    urls: typeof url === 'string' ? [url] : url,
    model: EMBEDDED_MODEL_NAME,
    inputType: 'field',
    // Generous: the run's one model serves every test worker on a busy machine.
    queryTimeoutMs: 10_000,
    breakerFailures: 3,
    breakerResetMs: 300,
    cacheSize: 100,
    maxBatch: 16,
    logger: silentLogger,
    ...options,
  });
}

describe('the embeddings client against the embedded model', () => {
  const modelUrl = () => `http://127.0.0.1:${testModelPort()}/v1`;

  it('puts a question and its translation nearer each other than unrelated questions', async () => {
    const client = clientOf(modelUrl());
    const [english, french, parking, schools] = (await Promise.all(
      [
        'Can I drink the tap water?',
        "Est-ce que je peux boire l'eau du robinet ?",
        'Where can I park my car near the station?',
        'Wann öffnen die Schulen wieder?',
      ].map((text) => client.embedQuery(text)),
    )) as Vector[];
    expect(english).toHaveLength(384);
    expect(similarity(english!, english!)).toBeCloseTo(1, 5);
    const translated = similarity(english!, french!);
    for (const unrelated of [parking!, schools!]) {
      expect(translated).toBeGreaterThan(similarity(english!, unrelated));
      expect(translated).toBeGreaterThan(similarity(french!, unrelated));
    }
  });

  it('finds the passage that answers a Dutch question among passages in other languages', async () => {
    const client = clientOf(modelUrl());
    const passages = await client.embedPassages([
      'Les écoles de la zone restent fermées jusqu’à nouvel ordre.',
      'The tap water is safe to drink again; no need to boil it.',
      'Die Notunterkunft befindet sich in der Sporthalle am Marktplatz.',
    ]);
    const question = (await client.embedQuery('Mag ik het water uit de kraan weer drinken?'))!;
    const scores = passages.map((passage) => similarity(question, passage));
    expect(scores.indexOf(Math.max(...scores))).toBe(1);
  });

  it('sends concurrent messages together, in fewer requests than messages', async () => {
    const client = clientOf(modelUrl());
    const texts = [
      'Moet ik binnen blijven?',
      'Welke wegen zijn afgesloten?',
      'Waar is het opvangcentrum?',
      'Mag ik mijn ramen openen?',
      'Is de school morgen open?',
      'Kan ik mijn hond uitlaten?',
      'Waar vind ik flessenwater?',
      'Wanneer is de brand geblust?',
    ];
    const vectors = await Promise.all(texts.map((text) => client.embedQuery(text)));
    expect(vectors.every((vector) => vector?.length === 384)).toBe(true);
    // The first goes alone at once; the seven that arrive while it is under way go together.
    expect(client.stats()).toMatchObject({ queries: 8, batches: 2, batchedQueries: 8, unanswered: 0 });
  });

  it('sends a message to another server of the model while one is busy, not after it', async () => {
    const busy = new StandInEmbeddings();
    await busy.start();
    busy.behaviour = 'hang';
    try {
      const client = clientOf([busy.url, modelUrl()]);
      const first = client.embedQuery('Moet ik binnen blijven?');
      await waitFor(() => busy.requests.length === 1, 'the first message sent to the first server');
      // The first server still has not answered: the second message goes to the other one.
      expect(await client.embedQuery('Can I drink tap water?')).toHaveLength(384);
      expect(busy.requests).toHaveLength(1);
      await busy.stop();
      expect(await first).toBeUndefined();
    } finally {
      await busy.stop();
    }
  });

  it('keeps the circuit closed for messages that arrive while content passages are embedded', async () => {
    // The production deadline: a message waiting behind a long passage request would miss it,
    // and the missed requests would open the circuit, for the passages too.
    const client = clientOf(modelUrl(), { queryTimeoutMs: 300 });
    const texts = Array.from(
      { length: 64 },
      (_, i) => `Entry ${i}: the shelter in the sports hall is open day and night for evacuated residents.`,
    );
    let done = false;
    const made = client.embedPassages(texts).finally(() => (done = true));
    let asked = 0;
    while (!done) await client.embedQuery(`question ${asked++} about the shelter`);
    expect(await made).toHaveLength(64);
    expect(asked).toBeGreaterThan(0);
    expect(client.status().circuit).toBe('closed');
  }, 120_000);

  it('answers a repeated message, however spaced or capitalised, from its cache', async () => {
    const client = clientOf(modelUrl());
    const first = await client.embedQuery('Is het kraanwater drinkbaar?');
    const again = await client.embedQuery('  is het KRAANWATER   drinkbaar? ');
    expect(again).toBe(first);
    expect(client.stats()).toMatchObject({ queries: 2, cacheHits: 1, batches: 1 });
  });
});

describe('the embeddings client when the model fails', () => {
  const model = new StandInEmbeddings();
  beforeAll(() => model.start());
  afterAll(() => model.stop());
  beforeEach(() => {
    model.behaviour = 'ok';
    model.delayMs = () => 0;
    model.requests.length = 0;
    model.timeline.length = 0;
  });

  it('passes over a server of several whose request failed, and asks it again after a rest', async () => {
    model.behaviour = 'fail';
    const client = clientOf([model.url, `http://127.0.0.1:${testModelPort()}/v1`], { breakerResetMs: 500 });
    expect(await client.embedQuery('Is het kraanwater drinkbaar?')).toBeUndefined();
    for (const text of ['Moet ik binnen blijven?', 'Can I drink tap water?', 'Sind die Schulen zu?'])
      expect(await client.embedQuery(text)).toHaveLength(384);
    expect(model.requests).toHaveLength(1);
    expect(client.status().circuit).toBe('closed');

    model.behaviour = 'ok';
    let asked = 0;
    await waitFor(async () => {
      await client.embedQuery(`Wann fährt der Bus wieder? ${asked++}`);
      return model.requests.length === 2;
    }, 'the first server asked again');
  });

  it('tells queries from passages in the way the endpoint understands', async () => {
    for (const inputType of ['field', 'prefix', 'none'] as const) {
      const client = clientOf(model.url, { inputType, model: 'e5' });
      await client.embedQuery('water');
      await client.embedPassages(['tap water']);
    }
    expect(model.requests.map(({ input, input_type }) => ({ input, input_type }))).toEqual([
      { input: ['water'], input_type: 'query' },
      { input: ['tap water'], input_type: 'passage' },
      { input: ['query: water'], input_type: undefined },
      { input: ['passage: tap water'], input_type: undefined },
      { input: ['water'], input_type: undefined },
      { input: ['tap water'], input_type: undefined },
    ]);
  });

  it('keeps passage vectors on disk for any client of the same model, and only the same', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-passages-'));
    try {
      const made = await clientOf(model.url, { passageDir: dir }).embedPassages(['tap water', 'shelter']);
      const again = await clientOf(model.url, { passageDir: dir }).embedPassages([
        'shelter',
        'schools',
        'tap water',
      ]);
      expect(model.requests.map((request) => request.input)).toEqual([['tap water', 'shelter'], ['schools']]);
      expect(again[0]).toEqual(made[1]);
      expect(again[2]).toEqual(made[0]);

      await clientOf(model.url, { passageDir: dir, model: 'another-model' }).embedPassages(['tap water']);
      await clientOf(model.url, { passageDir: dir, inputType: 'prefix' }).embedPassages(['tap water']);
      expect(model.requests).toHaveLength(4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sends a waiting message before the content's next passages", async () => {
    model.delayMs = (request) => (request.input_type === 'query' ? 300 : 100);
    const client = clientOf(model.url);
    const made = client.embedPassages(Array.from({ length: 24 }, (_, i) => `entry ${i}`));
    await waitFor(() => model.timeline.length === 1, 'the first passages to be sent');
    expect(await client.embedQuery('Is het kraanwater drinkbaar?')).toBeDefined();
    expect(await made).toHaveLength(24);

    const [first, query, second, third] = model.timeline;
    expect(model.timeline.map((request) => request.body.input_type)).toEqual([
      'passage',
      'query',
      'passage',
      'passage',
    ]);
    expect(first!.body.input).toHaveLength(8);
    expect(second!.arrived).toBeGreaterThanOrEqual(query!.answered!);
    expect(third!.arrived).toBeGreaterThanOrEqual(second!.answered!);
  });

  it('gives a message no vector once its deadline passes when the model hangs', async () => {
    model.behaviour = 'hang';
    const client = clientOf(model.url, { queryTimeoutMs: 200 });
    const started = performance.now();
    expect(await client.embedQuery('Is het kraanwater drinkbaar?')).toBeUndefined();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(195);
    expect(waited).toBeLessThan(1500);
    expect(client.stats()).toMatchObject({ queries: 1, unanswered: 1 });
  });

  it('opens the circuit when the model keeps failing, stops asking it, and closes once it answers again', async () => {
    model.behaviour = 'fail';
    const client = clientOf(model.url, { breakerFailures: 2, breakerResetMs: 300 });
    expect(await client.embedQuery('first')).toBeUndefined();
    expect(client.status().circuit).toBe('closed');
    expect(await client.embedQuery('second')).toBeUndefined();
    expect(client.status()).toEqual({ model: EMBEDDED_MODEL_NAME, circuit: 'open' });
    await expect(client.embedPassages(['an entry'])).rejects.toThrow();

    const asked = model.requests.length;
    expect(await client.embedQuery('third')).toBeUndefined();
    expect(model.requests.length).toBe(asked);

    model.behaviour = 'ok';
    // Once the circuit has been open for breakerResetMs, a message's request is the trial.
    await waitFor(async () => (await client.embedQuery('fourth')) !== undefined, 'a vector after recovery');
    expect(client.status().circuit).toBe('closed');
    expect(model.requests.length).toBe(asked + 1);
  });

  it("follows an idle model's health with probes: down opens the circuit, back closes it", async () => {
    const client = clientOf(model.url, { breakerFailures: 2, breakerResetMs: 300 });
    await client.probe(0);
    expect(model.requests).toHaveLength(1);
    // A model that answered recently is not probed.
    await client.probe(60_000);
    expect(model.requests).toHaveLength(1);

    model.behaviour = 'fail';
    await client.probe(0);
    await client.probe(0);
    expect(client.status().circuit).toBe('open');

    model.behaviour = 'ok';
    await waitFor(async () => {
      await client.probe(0);
      return client.status().circuit === 'closed';
    }, 'the circuit to close');
    expect(client.stats().queries).toBe(0);
  });
});
