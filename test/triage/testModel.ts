import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../../bot/paths';
import { EMBEDDED_MODEL_NAME } from '../../embedded';
import { EmbeddingsClient } from '../../semantic';
import { loadTemplates, templatesDir } from '../../knowledge';
import { SemanticTriage, trainingExemplars } from '../../triage';
import { testModelPort } from '../helpers/db';

/** The name bots give the embedded model: a classifier cached by the tests is found by them. */
export const TEST_MODEL = EMBEDDED_MODEL_NAME;

/** The run's embedded model (started by globalSetup), as an OpenAI-compatible base URL. */
export function testEmbeddingsUrl(): string {
  return `http://127.0.0.1:${testModelPort()}/v1`;
}

/** A client for measuring, not serving: it waits for every vector. */
export function testEmbedder(url = testEmbeddingsUrl(), model = TEST_MODEL): EmbeddingsClient {
  return new EmbeddingsClient({
    urls: [url],
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

/** What a bot fits its triage classifier on: the exemplars and the shipped templates' questions. */
export async function shippedTrainingExemplars() {
  return trainingExemplars(await loadTemplates(templatesDir(projectRoot())));
}

/**
 * Makes sure the triage classifier a bot fits is in the project's cache, as a bot started next
 * reads it: the first run after the exemplars change pays the model time, the next ones none.
 */
export async function prewarmTriageClassifier(): Promise<SemanticTriage> {
  const triage = new SemanticTriage({
    embedder: testEmbedder(),
    exemplars: await shippedTrainingExemplars(),
    cacheDir: path.join(projectRoot(), '.cache'),
    logger: pino({ level: 'silent' }),
  });
  triage.start();
  if (!(await triage.ready())) throw new Error('the triage classifier could not be fitted');
  return triage;
}
