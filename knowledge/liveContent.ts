import type { Logger } from 'pino';
import { ContentVersionModel, CrisisModel } from '../models';
import { contentSchema, type ContentFile } from './contentSchema';
import { Retriever } from './retriever';

export interface LiveCrisis {
  slug: string;
  version: number;
  content: ContentFile;
  retriever: Retriever;
}

export interface LiveContentOptions {
  logger: Logger;
  /** How often to look for a newly published version or a (de)activated crisis. */
  refreshMs?: number;
}

/**
 * The live content of every active crisis, in memory, following what is published. Change streams
 * would push changes, but FerretDB v1 has none: each process polls a few small fields (slug, live
 * version) and rebuilds only the crises whose version changed. When the database is away, the cached
 * content keeps being served: the bot must still answer during an outage.
 */
export class LiveContent {
  private crises = new Map<string, LiveCrisis>();
  private readonly logger: Logger;
  private readonly refreshMs: number;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private failing = false;

  constructor({ logger, refreshMs = 1000 }: LiveContentOptions) {
    this.logger = logger;
    this.refreshMs = refreshMs;
  }

  /** Loads every active crisis (failing if the database cannot be read), then follows changes. */
  async start(): Promise<void> {
    await this.refreshNow();
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

  /** One refresh at a time: a slow database must not pile up overlapping rebuilds. */
  refreshNow(): Promise<void> {
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
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
    const active = await CrisisModel.find({ status: 'active' }, { _id: 0, slug: 1, liveVersion: 1 }).lean();
    const next = new Map<string, LiveCrisis>();
    for (const { slug, liveVersion } of active) {
      const cached = this.crises.get(slug);
      const live =
        cached?.version === liveVersion ? cached : ((await this.load(slug, liveVersion)) ?? cached);
      if (live) next.set(slug, live);
    }
    this.crises = next;
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
