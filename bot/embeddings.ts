import path from 'node:path';
import type { Logger } from 'pino';
import { startEmbeddedModels, type EmbeddedModels } from '../embedded';
import { EmbeddingsClient } from '../semantic';
import { embeddingsSettings, type Config } from './config';

/** The embeddings client, and the embedded model it talks to when no EMBEDDINGS_URL is set. */
export async function startEmbeddings(
  config: Config,
  rootDir: string,
  logger: Logger,
  observeRequest?: (seconds: number, ok: boolean) => void,
): Promise<{ embedder?: EmbeddingsClient; embeddedModel?: EmbeddedModels }> {
  const settings = embeddingsSettings(config);
  if (!settings) return {};
  const embeddedModel = settings.url
    ? undefined
    : await startEmbeddedModels({
        rootDir,
        port: config.EMBEDDED_MODEL_PORT,
        processes: config.EMBEDDED_MODEL_PROCESSES,
        threads: config.EMBEDDED_MODEL_THREADS,
        logger,
        // A model that dies comes back when the circuit would next try it.
        restartAfterMs: config.EMBEDDINGS_BREAKER_RESET_MS,
      });
  const embedder = new EmbeddingsClient({
    // loadConfig requires EMBEDDINGS_MODEL with EMBEDDINGS_URL.
    urls: embeddedModel?.urls ?? [settings.url!],
    model: embeddedModel?.model ?? settings.model!,
    apiKey: settings.apiKey,
    inputType: settings.inputType,
    queryTimeoutMs: config.EMBEDDINGS_QUERY_TIMEOUT_MS,
    breakerFailures: config.EMBEDDINGS_BREAKER_FAILURES,
    breakerResetMs: config.EMBEDDINGS_BREAKER_RESET_MS,
    cacheSize: config.EMBEDDINGS_CACHE_SIZE,
    maxBatch: config.EMBEDDINGS_MAX_BATCH,
    // Published content's vectors, shared by every process and test on this machine.
    passageDir: path.join(rootDir, '.cache', 'passage-vectors'),
    logger,
    observeRequest,
  });
  return { embedder, embeddedModel };
}
