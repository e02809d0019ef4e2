import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../../bot/paths';
import { EMBEDDED_MODEL_NAME } from '../../embedded';
import { EmbeddingsClient } from '../../semantic';
import { builtInExemplars, SemanticTriage } from '../../triage';
import { testModelPort } from '../helpers/db';

/** The name bots give the embedded model: exemplar vectors cached by the tests are found by them. */
export const TEST_MODEL = EMBEDDED_MODEL_NAME;

/** The run's embedded model (started by globalSetup), as an OpenAI-compatible base URL. */
export function testEmbeddingsUrl(): string {
  return `http://127.0.0.1:${testModelPort()}/v1`;
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
