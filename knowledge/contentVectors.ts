import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { isDuplicateKey, PassageVectorsModel } from '../models';
import { packVectors, unpackVectors, type Embedder, type Vector } from '../semantic';
import type { ContentFile } from './contentSchema';
import { everydayQuestions } from './everydayQuestions';
import { contentPassages } from './passages';
import { queryAdapterFor } from './queryAdapter';
import { SemanticIndex } from './semanticIndex';

/**
 * Recently used indexes, by passage hash: every bot of a process (and a studio preview of unchanged
 * content) reuses them instead of reading megabytes of vectors again.
 */
const recent = new LRUCache<string, SemanticIndex>({ max: 32 });

/**
 * The semantic index of a content: from memory, else from the database, else made by the model and
 * stored for every other process. Throws when the model cannot make the vectors. The everyday
 * questions are embedded and stored after the content's passages, as part of them: a change to
 * either makes both again.
 */
export async function semanticIndexOf(
  content: ContentFile,
  embedder: Embedder,
  logger: Logger,
): Promise<SemanticIndex> {
  const passages = contentPassages(content);
  const texts = [...passages.map((p) => p.text), ...everydayQuestions()];
  const key = passagesHash(embedder.model, texts);
  const cached = recent.get(key);
  if (cached) return cached;

  const stored = await PassageVectorsModel.findById(key).lean();
  let vectors: Vector[];
  if (stored && stored.count === texts.length) {
    vectors = unpackVectors(stored.vectors.buffer, stored.dims);
  } else {
    const started = performance.now();
    vectors = await embedder.embedPassages(texts);
    const dims = vectors[0]?.length ?? 0;
    await PassageVectorsModel.create({
      _id: key,
      model: embedder.model,
      dims,
      count: vectors.length,
      vectors: packVectors(vectors),
    }).catch((error: unknown) => {
      // Another process stored the same vectors meanwhile: they are identical.
      if (!isDuplicateKey(error)) throw error;
    });
    logger.info(
      { slug: content.crisis.slug, passages: passages.length, ms: Math.round(performance.now() - started) },
      'content passages embedded',
    );
  }
  const index = new SemanticIndex(
    passages,
    vectors.slice(0, passages.length),
    queryAdapterFor(embedder.model),
    vectors.slice(passages.length),
  );
  recent.set(key, index);
  return index;
}

function passagesHash(model: string, texts: string[]): string {
  const hash = createHash('sha256').update(model);
  for (const text of texts) hash.update('\u0000').update(text);
  return hash.digest('hex');
}
