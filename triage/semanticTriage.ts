import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { packVectors, unpackVectors, type Embedder, type Vector } from '../semantic';
import type { Exemplar } from './exemplars';
import {
  ExemplarIndex,
  generalQuestions,
  type ContentQuestion,
  type SemanticOpinion,
} from './nearestExemplars';

export interface SemanticTriageOptions {
  embedder: Pick<Embedder, 'model' | 'embedQuery' | 'status'>;
  exemplars: readonly Exemplar[];
  /** Where the exemplar vectors are kept between runs (the project's `.cache/`). */
  cacheDir: string;
  logger: Logger;
  /** How long to wait before asking again a model that left exemplars without a vector. */
  retryMs?: number;
}

/**
 * Exemplars embedded together: small groups, so that a citizen's message arriving meanwhile
 * shares a model request with a few exemplars only.
 */
const GROUP = 4;
const DEFAULT_RETRY_MS = 30_000;
/** Part of the cache key: a change in how vectors are made must not reuse old ones. */
const FORMAT = 'e5-query-v1';

/**
 * The semantic second opinion on victim inquiries: the exemplars' vectors, read from the cache
 * when this model already embedded these exemplars, else computed in the background through the
 * model (about 700 queries, some 20 s of model time) and then cached; until they are there, or
 * while the model is down, there is no opinion and the lexicon decides alone.
 */
export class SemanticTriage {
  private index: ExemplarIndex | undefined;
  private readonly file: string;
  /** Cache files of this model; those of other exemplars are removed once these are written. */
  private readonly prefix: string;
  private building: Promise<ExemplarIndex | undefined> | undefined;
  private stopped = false;
  /** The general questions among a content's FAQ questions, worked out once per content version. */
  private readonly general = new WeakMap<readonly ContentQuestion[], Vector[]>();
  private wake: (() => void) | undefined;

  constructor(private readonly options: SemanticTriageOptions) {
    const hash = createHash('sha256')
      .update(JSON.stringify([FORMAT, options.embedder.model, options.exemplars]))
      .digest('hex')
      .slice(0, 16);
    const model = options.embedder.model.replace(/[^A-Za-z0-9._-]+/g, '_');
    this.prefix = `triage-exemplars-${model}-`;
    this.file = path.join(options.cacheDir, `${this.prefix}${hash}.f32`);
  }

  /** Reads the cached vectors (synchronously: a few hundred kB) or starts computing them. */
  start(): void {
    this.index = this.readCache();
    if (!this.index) void this.ready();
  }

  /** Resolves once the vectors are there, or with undefined when stopped first. */
  ready(): Promise<ExemplarIndex | undefined> {
    if (this.index) return Promise.resolve(this.index);
    this.building ??= this.build().catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'exemplar vectors failed: the lexicon decides alone');
      return undefined;
    });
    return this.building;
  }

  /**
   * What the nearest exemplars, and the crisis's own FAQ questions as general ones, say of a
   * message; undefined while the exemplars' vectors are not ready.
   */
  opinion(vector: Vector, faqQuestions: readonly ContentQuestion[] = []): SemanticOpinion | undefined {
    const index = this.index;
    if (!index) return undefined;
    let general = this.general.get(faqQuestions);
    if (!general) {
      general = generalQuestions(index, faqQuestions);
      this.general.set(faqQuestions, general);
    }
    return index.opinion(vector, general);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private readCache(): ExemplarIndex | undefined {
    const count = this.options.exemplars.length;
    let buffer: Buffer;
    try {
      buffer = fs.readFileSync(this.file);
    } catch {
      return undefined;
    }
    const dims = buffer.byteLength / 4 / count;
    if (!Number.isInteger(dims) || dims === 0) {
      this.options.logger.warn({ file: this.file }, 'exemplar vector cache unreadable: computing again');
      return undefined;
    }
    return new ExemplarIndex(this.options.exemplars, unpackVectors(buffer, dims));
  }

  private async build(): Promise<ExemplarIndex | undefined> {
    const { embedder, exemplars, logger } = this.options;
    const started = performance.now();
    logger.info({ model: embedder.model, exemplars: exemplars.length }, 'computing exemplar vectors');
    const vectors: (Vector | undefined)[] = new Array(exemplars.length);
    let waiting = false;
    for (;;) {
      const group = [...exemplars.keys()].filter((i) => !vectors[i]).slice(0, GROUP);
      if (group.length === 0) break;
      const made = await Promise.all(group.map((i) => embedder.embedQuery(exemplars[i]!.text)));
      group.forEach((i, j) => (vectors[i] = made[j]));
      if (this.stopped) return undefined;
      if (made.every(Boolean)) {
        waiting = false;
        continue;
      }
      // A vector that missed the client's deadline still arrives (in its cache): ask again at once.
      // A model that is down answers nothing for a while: ask again later.
      if (embedder.status().circuit === 'closed') continue;
      if (!waiting)
        logger.warn('model unavailable for exemplar vectors: the lexicon decides alone meanwhile');
      waiting = true;
      await this.pause(this.options.retryMs ?? DEFAULT_RETRY_MS);
      if (this.stopped) return undefined;
    }
    const complete = vectors as Vector[];
    this.writeCache(complete);
    this.index = new ExemplarIndex(exemplars, complete);
    logger.info({ ms: Math.round(performance.now() - started) }, 'exemplar vectors ready');
    return this.index;
  }

  /** Written under a temporary name and renamed, so that no process ever reads half a file. */
  private writeCache(vectors: Vector[]): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(temporary, packVectors(vectors));
      fs.renameSync(temporary, this.file);
      for (const name of fs.readdirSync(this.options.cacheDir)) {
        const ours =
          name.startsWith(this.prefix) && /^[0-9a-f]{16}\.f32$/.test(name.slice(this.prefix.length));
        if (ours && path.join(this.options.cacheDir, name) !== this.file)
          fs.rmSync(path.join(this.options.cacheDir, name), { force: true });
      }
    } catch (error) {
      this.options.logger.warn({ err: error, file: this.file }, 'exemplar vectors not cached');
      fs.rmSync(temporary, { force: true });
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
