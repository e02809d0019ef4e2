import pino from 'pino';
import { EMBEDDED_MODEL_NAME } from '../../embedded';
import { EmbeddingsClient } from '../../semantic';
import { testModelPort } from './db';

/** A client of the run's embedded model, with deadlines that a busy test machine cannot miss. */
export function testEmbedder(model = EMBEDDED_MODEL_NAME): EmbeddingsClient {
  return new EmbeddingsClient({
    urls: [`http://127.0.0.1:${testModelPort()}/v1`],
    model,
    inputType: 'field',
    queryTimeoutMs: 10_000,
    breakerFailures: 100,
    breakerResetMs: 1000,
    cacheSize: 1000,
    maxBatch: 16,
    logger: pino({ level: 'silent' }),
  });
}
