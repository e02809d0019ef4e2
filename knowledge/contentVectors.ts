import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { isDuplicateKey, PassageVectorsModel } from '../models';
import { packVectors, unpackVectors, type Embedder, type Vector } from '../semantic';
import type { ContentFile } from './contentSchema';
import { contentPassages } from './passages';
import { SemanticIndex } from './semanticIndex';

/**
 * Recently used indexes, by passage hash: every bot of a process (and a studio preview of unchanged
 * content) reuses them instead of reading megabytes of vectors again.
 */
const recent = new LRUCache<string, SemanticIndex>({ max: 32 });

/**
 * The semantic index of a content: its passages' vectors from memory, else from the database,
 * else made by the model and stored for every other process. Throws when the model cannot make
 * the vectors.
 */
export async function semanticIndexOf(
  content: ContentFile,
  embedder: Embedder,
  logger: Logger,
): Promise<SemanticIndex> {
  const passages = contentPassages(content);
  const passageTexts = passages.map((p) => p.text);
  const key = vectorsKey([embedder.model, ...passageTexts]);
  const cached = recent.get(key);
  if (cached) return cached;

  const started = performance.now();
  const vectors = await storedVectors(key, passageTexts, embedder.model, (texts) =>
    embedder.embedPassages(texts),
  );
  logger.info(
    { slug: content.crisis.slug, passages: passages.length, ms: Math.round(performance.now() - started) },
    'content vectors ready',
  );
  const index = new SemanticIndex(passages, vectors);
  recent.set(key, index);
  return index;
}

/** Vectors stored under `key`, else made and stored (another process storing the same ones meanwhile is fine). */
async function storedVectors(
  key: string,
  texts: string[],
  model: string,
  make: (texts: string[]) => Promise<Vector[]>,
): Promise<Vector[]> {
  const stored = await PassageVectorsModel.findById(key).lean();
  if (stored && stored.count === texts.length) return unpackVectors(stored.vectors.buffer, stored.dims);
  const vectors = await make(texts);
  await PassageVectorsModel.create({
    _id: key,
    model,
    dims: vectors[0]?.length ?? 0,
    count: vectors.length,
    vectors: packVectors(vectors),
  }).catch((error: unknown) => {
    // Another process stored the same vectors meanwhile: they are identical.
    if (!isDuplicateKey(error)) throw error;
  });
  return vectors;
}

function vectorsKey(parts: string[]): string {
  const [first, ...rest] = parts;
  const hash = createHash('sha256').update(first!);
  for (const part of rest) hash.update('\u0000').update(part);
  return hash.digest('hex');
}
