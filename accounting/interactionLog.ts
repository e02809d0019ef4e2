import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { InteractionDayModel, InteractionModel, onlyDuplicates } from '../models';
import { recordLiveMessages } from './liveMessages';
import { UsageCounters } from './usageCounters';

/** One message in or out, as the bot reports it; the log adds the id and the time buckets. */
export interface InteractionEntry {
  crisisSlug: string;
  conversationId: string;
  channelId: string;
  lang?: string;
  direction: 'in' | 'out';
  kind?: string;
  faqId?: string;
  /** Entries a clarification offered (0: the bot asked to rephrase): clarified or unanswered. */
  options?: number;
  latencyMs?: number;
  /** Language-model tokens spent on this message (issue 8), for cost reports. */
  tokensIn?: number;
  tokensOut?: number;
  /** When the message happened; defaults to the time of record(). */
  at?: Date;
}

interface InteractionRecord extends Omit<InteractionEntry, 'at'> {
  _id: string;
  at: Date;
  day: string;
  hour: number;
}

export interface InteractionLogOptions {
  logger: Logger;
  batchSize?: number;
  flushIntervalMs?: number;
  /** Entries kept while the database is away; beyond this the oldest are dropped, so memory stays bounded. */
  maxBuffer?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A write that has not answered by then counts as failed and is retried (see write()). */
  writeTimeoutMs?: number;
  /** Where written entries are counted for cost reports. */
  counters?: UsageCounters;
}

const CONNECTED = 1;
const DROP_LOG_INTERVAL_MS = 1000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

const FIELDS = [
  'crisisSlug',
  'conversationId',
  'channelId',
  'lang',
  'direction',
  'kind',
  'faqId',
  'options',
  'latencyMs',
  'tokensIn',
  'tokensOut',
] as const;

/**
 * Copies only the known fields, so nothing a caller adds (message text, say) lands in the log, and
 * leaves out undefined ones, which the insert (lean, unvalidated) would otherwise store as null.
 */
function known(entry: InteractionEntry): Omit<InteractionEntry, 'at'> {
  const picked: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (entry[field] !== undefined) picked[field] = entry[field];
  }
  return picked as Omit<InteractionEntry, 'at'>;
}

/**
 * The append-only interaction log, written off the reply path: record() only buffers, and a timer
 * writes batches. Entries survive a database outage in memory (up to maxBuffer) and are written
 * once it is back; retried batches never duplicate entries because each entry's id is chosen here.
 */
export class InteractionLog {
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly maxBuffer: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly writeTimeoutMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly counters: UsageCounters;

  private buffer: InteractionRecord[] = [];
  private inFlight = 0;
  private writing: Promise<void> | undefined;
  private failures = 0;
  private retryAt = 0;
  private stopped = false;
  /** Entries recorded so far, and entries written or dropped: since the buffer is FIFO, flush() waits on these. */
  private recorded = 0;
  private settled = 0;
  private droppedUnreported = 0;
  /** Days already recorded for the retention sweep (models/interactionDay.ts). */
  private readonly daysRecorded = new Set<string>();
  private lastDropLogAt = 0;

  constructor({
    logger,
    batchSize = 200,
    flushIntervalMs = 250,
    maxBuffer = 50_000,
    retryBaseMs = 200,
    retryMaxMs = 5000,
    writeTimeoutMs = 5000,
    counters = new UsageCounters(),
  }: InteractionLogOptions) {
    this.counters = counters;
    this.logger = logger;
    this.batchSize = batchSize;
    this.maxBuffer = maxBuffer;
    this.retryBaseMs = retryBaseMs;
    this.retryMaxMs = retryMaxMs;
    this.writeTimeoutMs = writeTimeoutMs;
    this.timer = setInterval(() => this.kick(), flushIntervalMs).unref();
  }

  /** Entries recorded but not yet written. */
  get pending(): number {
    return this.buffer.length + this.inFlight;
  }

  /** Buffers one entry. Never throws: losing a log line must not fail a citizen's turn. */
  record(entry: InteractionEntry): void {
    try {
      const at = entry.at ?? new Date();
      const day = at.toISOString().slice(0, 10); // also refuses an invalid date here, not in a batch
      this.buffer.push({ ...known(entry), _id: randomUUID(), at, day, hour: at.getUTCHours() });
      this.recorded += 1;
      this.trim();
      if (this.buffer.length >= this.batchSize) this.kick();
    } catch (error) {
      this.logger.error({ err: error }, 'interaction not recorded');
    }
  }

  /**
   * Resolves once every entry recorded before the call is written (or dropped) and counted for
   * reports; retries while the database is away.
   */
  async flush(): Promise<void> {
    const target = this.recorded;
    while ((this.settled < target || this.counters.unsaved > 0) && !this.stopped) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      const wait = this.retryAt - Date.now();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      this.kick();
      if (!this.writing) break;
    }
  }

  /** Stops the timer and writes what is buffered, giving up after timeoutMs (the rest is lost, and logged). */
  async close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    clearInterval(this.timer);
    const done = await Promise.race([this.flush().then(() => true), sleep(timeoutMs).then(() => false)]);
    this.stopped = true;
    this.reportDrops(true);
    if (!done) this.logger.error({ lost: this.pending }, 'interaction log closed with entries not written');
  }

  private kick(): void {
    this.reportDrops(false);
    const idle = this.buffer.length === 0 && this.counters.unsaved === 0;
    if (this.writing || idle || Date.now() < this.retryAt) return;
    this.writing = this.drain().finally(() => (this.writing = undefined));
  }

  /**
   * Writes batches until the buffer is empty or a write fails (a failed batch goes back to the
   * front), then saves the counts once for all of them.
   */
  private async drain(): Promise<void> {
    while (this.buffer.length > 0 && !this.stopped) {
      const batch = this.buffer.splice(0, this.batchSize);
      this.inFlight = batch.length;
      try {
        await this.write(batch);
        this.settled += batch.length;
        this.failures = 0;
        this.retryAt = 0;
      } catch (error) {
        this.buffer.unshift(...batch);
        this.failed(error, 'interaction log write failed; will retry');
        return;
      } finally {
        this.inFlight = 0;
        this.trim();
      }
    }
    try {
      await this.withTimeout(this.counters.save());
    } catch (error) {
      this.failed(error, 'usage counts not saved; will retry');
    }
  }

  private failed(error: unknown, message: string): void {
    this.failures += 1;
    const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (this.failures - 1));
    this.retryAt = Date.now() + delay;
    this.logger.warn({ err: error, pending: this.buffer.length, retryInMs: delay }, message);
  }

  private async write(batch: InteractionRecord[]): Promise<void> {
    // mongoose would queue the write until the connection is back; failing now lets the batch
    // wait here instead, where it is bounded and counted.
    if (InteractionModel.db.readyState !== CONNECTED) throw new Error('database not connected');
    await this.withTimeout(this.recordDays(batch));
    const insert = InteractionModel.insertMany(batch, { ordered: false, lean: true }).then(
      () => undefined,
      (error: unknown) => {
        // Every refused entry already there: the ids are ours, so that is an earlier attempt whose
        // acknowledgement was lost, not a failure.
        if (!onlyDuplicates(error)) throw error;
      },
    );
    // A write stuck on a half-dead connection must not stall the log. If it completes later,
    // the retry of the same batch finds duplicates, which count as written.
    await this.withTimeout(insert);
    await this.withTimeout(recordLiveMessages(batch));
    // Counted only once written; a retry of a batch that failed here recognises its own marks.
    await this.withTimeout(this.counters.count(batch));
  }

  /** Before the entries: the retention sweep must know every day that has some. */
  private async recordDays(batch: InteractionRecord[]): Promise<void> {
    const days = [...new Set(batch.map((entry) => entry.day))].filter((day) => !this.daysRecorded.has(day));
    if (days.length === 0) return;
    await InteractionDayModel.insertMany(
      days.map((_id) => ({ _id })),
      { ordered: false, lean: true },
    ).catch((error: unknown) => {
      if (!onlyDuplicates(error)) throw error;
    });
    for (const day of days) this.daysRecorded.add(day);
  }

  private async withTimeout(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`write timed out after ${this.writeTimeoutMs} ms`)),
        this.writeTimeoutMs,
      );
    });
    work.catch(() => undefined); // its outcome no longer matters once the timeout has won
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops the oldest entries beyond maxBuffer: during a long outage, recent entries are worth more. */
  private trim(): void {
    const excess = this.pending - this.maxBuffer;
    if (excess <= 0) return;
    const dropped = Math.min(excess, this.buffer.length);
    this.buffer.splice(0, dropped);
    this.settled += dropped;
    this.droppedUnreported += dropped;
    this.reportDrops(false);
  }

  /** Logs drops at most once a second, so a full buffer does not also flood the logs. */
  private reportDrops(force: boolean): void {
    if (this.droppedUnreported === 0) return;
    if (!force && Date.now() - this.lastDropLogAt < DROP_LOG_INTERVAL_MS) return;
    this.logger.error(
      { dropped: this.droppedUnreported, maxBuffer: this.maxBuffer },
      'interaction log buffer full: oldest entries dropped',
    );
    this.droppedUnreported = 0;
    this.lastDropLogAt = Date.now();
  }
}
