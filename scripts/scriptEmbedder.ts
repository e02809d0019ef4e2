import type { Logger } from 'pino';
import { loadConfig } from '../bot/config';
import { startEmbeddings } from '../bot/embeddings';
import { projectRoot } from '../bot/paths';
import type { Embedder } from '../semantic';

/**
 * The embeddings model a measuring script asks: the one the bot would ask with this environment
 * (EMBEDDINGS_URL, or the embedded model, started if none answers), with deadlines fit for a batch
 * job rather than a citizen waiting.
 */
export async function scriptEmbedder(logger: Logger): Promise<{ embedder: Embedder; stop(): Promise<void> }> {
  const config = loadConfig({
    ...process.env,
    EMBEDDINGS_QUERY_TIMEOUT_MS: '10000',
    EMBEDDINGS_BREAKER_FAILURES: '100',
  });
  const { embedder, embeddedModel } = await startEmbeddings(config, projectRoot(), logger);
  if (!embedder) throw new Error('embeddings are off (EMBEDDINGS=off): nothing to measure');
  return { embedder, stop: async () => embeddedModel?.stop() };
}
