import type { Logger } from 'pino';
import { ContentVersionModel, CrisisModel } from '../models';
import type { Embedder, Vector } from '../semantic';
import { contentSchema, type ContentFile } from './contentSchema';
import { semanticIndexOf } from './contentVectors';
import { Retriever } from './retriever';
import type { SemanticIndex } from './semanticIndex';

export interface LiveCrisis {
  slug: string;
  version: number;
  content: ContentFile;
  retriever: Retriever;
}

/** A crisis whose service has ended: what citizens of it are told. */
export interface EndedCrisis {
  slug: string;
  title: ContentFile['crisis']['title'];
  infoNumber: string;
}

export interface LiveContentOptions {
  logger: Logger;
  /** How often to look for a newly published version or a (de)activated crisis. */
  refreshMs?: number;
  /** The embeddings model: with it, retrieval understands meaning once a version's vectors are ready. */
  embedder?: Embedder;
  /** How long start() waits for the first versions' vectors before serving with word search alone. */
  meaningDeadlineMs?: number;
}

/** A crisis whose vectors could not be made is tried again after this long (the model may be back). */
const MEANING_RETRY_MS = 30_000;

/**
 * The live content of every active crisis, in memory, following what is published. Change streams
 * would push changes, but FerretDB v1 has none: each process polls a few small fields (slug, live
 * version) and rebuilds only the crises whose version changed. When the database is away, the cached
 * content keeps being served: the bot must still answer during an outage.
 */
export class LiveContent {
  private crises = new Map<string, LiveCrisis>();
  private endedCrises = new Map<string, EndedCrisis>();
  private exercises = new Set<string>();
  private readonly logger: Logger;
  private readonly refreshMs: number;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private failing = false;
  private readonly embedder: Embedder | undefined;
  private readonly meaningDeadlineMs: number;
  /** Vectors being made or loaded, by crisis and version; and when a failed attempt may be retried. */
  private readonly meaning = new Map<string, Promise<void>>();
  private readonly meaningRetryAt = new Map<string, number>();

  constructor({ logger, refreshMs = 1000, embedder, meaningDeadlineMs = 120_000 }: LiveContentOptions) {
    this.logger = logger;
    this.refreshMs = refreshMs;
    this.embedder = embedder;
    this.meaningDeadlineMs = meaningDeadlineMs;
  }

  /**
   * Loads every active crisis (failing if the database cannot be read), waits a while for their
   * vectors so that the first citizens get answers by meaning, then follows changes.
   */
  async start(): Promise<void> {
    await this.refreshNow();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.meaningDeadlineMs)));
    await Promise.race([Promise.all(this.meaning.values()), deadline]);
    clearTimeout(timer);
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get(slug: string): LiveCrisis | undefined {
    return this.crises.get(slug);
  }

  active(): LiveCrisis[] {
    return [...this.crises.values()];
  }

  /**
   * The active real crises: what a citizen without an entry link may be offered. An exercise is
   * reached only through its own link, so a drill never shows to someone looking for the real service.
   */
  activeReal(): LiveCrisis[] {
    return this.active().filter((crisis) => !this.exercises.has(crisis.slug));
  }

  /** Whether a crisis, active or ended, is an exercise. */
  isExercise(slug: string | undefined): boolean {
    return slug !== undefined && this.exercises.has(slug);
  }

  ended(slug: string): EndedCrisis | undefined {
    return this.endedCrises.get(slug);
  }

  /**
   * Makes (or finds) the vectors of a content before it is published, so that every process serves
   * the new version by meaning at once; also what a studio preview of a draft searches. Undefined
   * without a model or when it is down: publishing never waits on it.
   */
  async prepare(content: ContentFile): Promise<SemanticIndex | undefined> {
    if (!this.embedder) return undefined;
    return semanticIndexOf(content, this.embedder, this.logger).catch((error: unknown) => {
      this.logger.warn({ err: error, slug: content.crisis.slug }, 'content vectors not made; made later');
      return undefined;
    });
  }

  /** A question's vector for searches outside a citizen's turn (operators, previews). */
  async questionVector(text: string): Promise<Vector | undefined> {
    return this.embedder?.embedQuery(text);
  }

  /** One refresh at a time: a slow database must not pile up overlapping rebuilds. */
  refreshNow(): Promise<void> {
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * A refresh that reads the database after this call, so that what was just written (a crisis
   * activated, ended or published) is served when it resolves. A refresh already under way may
   * have read before the write: it is waited for, then another one runs.
   */
  async refreshAfterWrite(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    await this.refreshNow();
  }

  /** The next poll is scheduled when the previous one ends, so polls never overlap. */
  private schedule(): void {
    this.timer = setTimeout(() => {
      this.refreshNow()
        .then(() => {
          if (this.failing) this.logger.info('content refresh works again');
          this.failing = false;
        })
        .catch((error: unknown) => {
          // Once per outage: a poll every second would otherwise flood the log.
          if (!this.failing)
            this.logger.warn({ err: error }, 'content refresh failed; serving cached content');
          this.failing = true;
        })
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, this.refreshMs);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    const all = await CrisisModel.find(
      {},
      { _id: 0, slug: 1, liveVersion: 1, status: 1, exercise: 1 },
    ).lean();
    const next = new Map<string, LiveCrisis>();
    const ended = new Map<string, EndedCrisis>();
    this.exercises = new Set(all.filter((crisis) => crisis.exercise).map((crisis) => crisis.slug));
    for (const { slug, liveVersion, status } of all) {
      const cached = this.crises.get(slug);
      if (status !== 'active') {
        const known =
          this.endedCrises.get(slug) ??
          (cached ? endedOf(cached.content) : await this.loadEnded(slug, liveVersion));
        if (known) ended.set(slug, known);
        continue;
      }
      const live =
        cached?.version === liveVersion ? cached : ((await this.load(slug, liveVersion)) ?? cached);
      if (live) next.set(slug, live);
    }
    this.crises = next;
    this.endedCrises = ended;
    for (const live of next.values()) this.addMeaning(live);
  }

  /**
   * Gives a crisis's retriever its vectors, in the background: published content normally has them
   * already (made at publish), else the model makes them now. Until then, and while the model is
   * down, the crisis is served with word search alone.
   */
  private addMeaning(live: LiveCrisis): void {
    const embedder = this.embedder;
    const key = `${live.slug}:${live.version}`;
    if (!embedder || live.retriever.understandsMeaning || this.meaning.has(key)) return;
    if ((this.meaningRetryAt.get(key) ?? 0) > Date.now()) return;
    const attempt = semanticIndexOf(live.content, embedder, this.logger)
      .then((index) => {
        live.retriever.useMeaning(index);
        this.meaningRetryAt.delete(key);
      })
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error, slug: live.slug, version: live.version },
          'content vectors unavailable; answering this crisis with word search alone for now',
        );
        this.meaningRetryAt.set(key, Date.now() + MEANING_RETRY_MS);
      })
      .finally(() => this.meaning.delete(key));
    this.meaning.set(key, attempt);
  }

  private async loadEnded(slug: string, version: number): Promise<EndedCrisis | undefined> {
    const stored = await ContentVersionModel.findOne({ crisisSlug: slug, version }, { content: 1 }).lean();
    const parsed = contentSchema.safeParse(stored?.content);
    return parsed.success ? endedOf(parsed.data) : undefined;
  }

  /** Builds a crisis's live version; undefined (keeping what is cached) when it is missing or unusable. */
  private async load(slug: string, version: number): Promise<LiveCrisis | undefined> {
    const stored = await ContentVersionModel.findOne({ crisisSlug: slug, version }, { content: 1 }).lean();
    // Stored content was validated at import; parsing again guards against versions written by older code.
    const parsed = contentSchema.safeParse(stored?.content);
    if (!parsed.success) {
      this.logger.error(
        { slug, version, found: Boolean(stored) },
        'live content version missing or invalid; keeping the previous one',
      );
      return undefined;
    }
    this.logger.info({ slug, version }, 'live content loaded');
    return { slug, version, content: parsed.data, retriever: new Retriever(parsed.data) };
  }
}

function endedOf(content: ContentFile): EndedCrisis {
  return { slug: content.crisis.slug, title: content.crisis.title, infoNumber: content.crisis.infoNumber };
}
