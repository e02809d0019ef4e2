import type { Logger } from 'pino';
import { EmbeddingsClient, type Embedder } from '../semantic';

/** The embeddings model a measuring script asks: EMBEDDINGS_URL (temporary until the embedded model module lands). */
export async function scriptEmbedder(logger: Logger): Promise<{ embedder: Embedder; stop(): Promise<void> }> {
  const url = process.env.EMBEDDINGS_URL;
  if (!url) throw new Error('set EMBEDDINGS_URL');
  const embedder = new EmbeddingsClient({
    url,
    model: process.env.EMBEDDINGS_MODEL ?? 'multilingual-e5-small-q4',
    inputType: 'field',
    queryTimeoutMs: 60_000,
    breakerFailures: 1000,
    breakerResetMs: 1000,
    cacheSize: 10_000,
    maxBatch: 16,
    logger,
  });
  return { embedder, stop: async () => undefined };
}
