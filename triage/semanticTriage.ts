import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { packVectors, unpackVectors, type Embedder, type Vector } from '../semantic';
import type { Exemplar } from './exemplars';
import { lexiconFiles } from './lexicon';
import { FIT_SETTINGS, FOLDS, InquiryClassifier, type SemanticOpinion } from './inquiryClassifier';
import { NEIGHBOURS } from './exemplarNeighbours';
import { STACK_FEATURES, STACK_SETTINGS } from './stackedRule';
import type { InquiryClassification } from './victimInquiry';

export interface SemanticTriageOptions {
  embedder: Pick<Embedder, 'model' | 'embedQuery' | 'status'>;
  /** What the classifier is fitted on (`trainingExemplars`). */
  exemplars: readonly Exemplar[];
  /** Where the fitted classifier is kept between runs (the project's `.cache/`). */
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
/** Part of the cache key: a change in how vectors are made or fitted must not reuse an old fit. */
const FORMAT = 'e5-query-linear-neighbours-stacked-person-two-readings-v6';

/**
 * The semantic second opinion on victim inquiries and requests for a person: classifiers of the
 * message's vector (InquiryClassifier), read from the cache when they were fitted for this model
 * and these exemplars, else fitted in the background (the exemplars embedded through the model,
 * about 7,000 queries, a few minutes of model time on a first start, then seconds of fitting) and
 * cached; until they are there, or while the model is down, there is no opinion and the lexicon
 * decides alone.
 */
export class SemanticTriage {
  private classifier: InquiryClassifier | undefined;
  private readonly file: string;
  /** Cache files of this model; those of other exemplars are removed once this one is written. */
  private readonly prefix: string;
  private building: Promise<InquiryClassifier | undefined> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: SemanticTriageOptions) {
    const hash = createHash('sha256')
      .update(
        JSON.stringify([
          FORMAT,
          FIT_SETTINGS,
          FOLDS,
          STACK_SETTINGS,
          STACK_FEATURES,
          NEIGHBOURS,
          options.embedder.model,
          options.exemplars,
          // The stacked rule reads the lexicon's signals: other phrase lists, another fit.
          lexiconFiles(),
        ]),
      )
      .digest('hex')
      .slice(0, 16);
    const model = options.embedder.model.replace(/[^A-Za-z0-9._-]+/g, '_');
    this.prefix = `triage-classifier-${model}-`;
    this.file = path.join(options.cacheDir, `${this.prefix}${hash}.f32`);
  }

  /** Reads the cached classifier (synchronously: some 10 MB, the exemplars' vectors) or starts fitting it. */
  start(): void {
    this.classifier = this.readCache();
    if (!this.classifier) void this.ready();
  }

  /** Resolves once the classifier is there, or with undefined when stopped first. */
  ready(): Promise<InquiryClassifier | undefined> {
    if (this.classifier) return Promise.resolve(this.classifier);
    this.building ??= this.build().catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'triage classifier failed: the lexicon decides alone');
      return undefined;
    });
    return this.building;
  }

  /** Whether the classifier is there (read from the cache or fitted). */
  get fitted(): boolean {
    return this.classifier !== undefined;
  }

  /** What the classifier says of a message's vector and the lexicon's reading; undefined while it is not fitted. */
  opinion(vector: Vector, lexicon: InquiryClassification): SemanticOpinion | undefined {
    return this.classifier?.opinion(vector, lexicon);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** The cache holds the classifier as one vector (InquiryClassifier.pack). */
  private readCache(): InquiryClassifier | undefined {
    let buffer: Buffer;
    try {
      buffer = fs.readFileSync(this.file);
    } catch {
      return undefined;
    }
    const values = buffer.byteLength / 4;
    const [stored] = Number.isInteger(values) && values > 0 ? unpackVectors(buffer, values) : [];
    const classifier = stored && InquiryClassifier.unpack(stored);
    if (!classifier)
      this.options.logger.warn({ file: this.file }, 'triage classifier cache unreadable: fitting again');
    return classifier;
  }

  private async build(): Promise<InquiryClassifier | undefined> {
    const { embedder, exemplars, logger } = this.options;
    const started = performance.now();
    logger.info({ model: embedder.model, exemplars: exemplars.length }, 'fitting the triage classifier');
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
    const classifier = InquiryClassifier.fit(exemplars, vectors as Vector[]);
    this.writeCache(classifier);
    this.classifier = classifier;
    logger.info({ ms: Math.round(performance.now() - started) }, 'triage classifier ready');
    return classifier;
  }

  /** Written under a temporary name and renamed, so that no process ever reads half a file. */
  private writeCache(classifier: InquiryClassifier): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(temporary, packVectors([classifier.pack()]));
      fs.renameSync(temporary, this.file);
      for (const name of fs.readdirSync(this.options.cacheDir)) {
        const ours =
          name.startsWith(this.prefix) && /^[0-9a-f]{16}\.f32$/.test(name.slice(this.prefix.length));
        if (ours && path.join(this.options.cacheDir, name) !== this.file)
          fs.rmSync(path.join(this.options.cacheDir, name), { force: true });
      }
    } catch (error) {
      this.options.logger.warn({ err: error, file: this.file }, 'triage classifier not cached');
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
