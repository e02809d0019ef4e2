import OpenAI from 'openai';
import { CircuitState, type CircuitBreakerPolicy } from 'cockatiel';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { guardedModelCall, modelBreaker } from './guardedModelCall';
import { PassageFiles } from './passageFiles';
import { normalize, type Vector } from './vectors';

/** e5-style models embed a question and the passages that may answer it differently. */
export type EmbeddingKind = 'query' | 'passage';

/**
 * How the kind reaches the endpoint: `field` sends `input_type` (the embedded model, and servers
 * such as Cohere-style ones), `prefix` writes e5's "query: "/"passage: " into the text, `none`
 * sends the text alone (OpenAI and Azure OpenAI models, which reject unknown fields).
 */
export type InputTypeMode = 'field' | 'prefix' | 'none';

export interface EmbeddingsClientOptions {
  /**
   * Base URLs of OpenAI-compatible APIs serving the same model, each ending in /v1: one request is
   * under way to each at a time (the embedded model runs several servers, one inference each).
   */
  urls: readonly string[];
  model: string;
  /** Unset for a server that needs no key. */
  apiKey?: string;
  inputType: InputTypeMode;
  /** How long a citizen's message may wait for its vector before the bot answers without it. */
  queryTimeoutMs: number;
  /** Consecutive failed requests that open the circuit, and how long it stays open. */
  breakerFailures: number;
  breakerResetMs: number;
  /** Query vectors kept, by normalised text. */
  cacheSize: number;
  /** Queries sent together at most in one request. */
  maxBatch: number;
  /** Where passage vectors are kept between runs, for every process on the machine; unset: nowhere. */
  passageDir?: string;
  logger: Logger;
  /** Told each request's duration and whether it succeeded (the process's metrics). */
  observeRequest?: (seconds: number, ok: boolean) => void;
}

export interface EmbeddingsStats {
  queries: number;
  cacheHits: number;
  /** Requests sent for queries, and the queries they carried. */
  batches: number;
  batchedQueries: number;
  /** Queries answered without a vector: timed out, failed, or skipped while the circuit was open. */
  unanswered: number;
  /** Wall time spent in query requests, summed over requests. */
  requestMs: number;
  /** Wall time citizens' messages waited for their vectors (queue, request, or the deadline), summed. */
  waitMs: number;
}

export interface EmbedderStatus {
  model: string;
  /** `open`: the model failed repeatedly and is not asked until a trial request succeeds. */
  circuit: 'closed' | 'open' | 'half-open';
}

/** What the rest of the bot needs of an embeddings model. */
export interface Embedder {
  /** Vectors of different models are never compared: stored vectors are keyed by this name. */
  readonly model: string;
  /** The vector of a citizen's message, or undefined when the model is slow or down (never throws). */
  embedQuery(text: string): Promise<Vector | undefined>;
  /** Vectors of content passages, in order; throws when the model cannot make them. */
  embedPassages(texts: string[], options?: { timeoutMs?: number }): Promise<Vector[]>;
  status(): EmbedderStatus;
  stats(): EmbeddingsStats;
}

/**
 * Passages go in small requests, each sent only once no citizen's message is waiting: the embedded
 * model runs one inference at a time, so a message never waits behind more than one of them.
 */
const PASSAGE_BATCH = 8;
const DEFAULT_PASSAGE_TIMEOUT_MS = 120_000;
const NO_KEY = 'no-key';
/** What a health probe embeds: one short word, the cheapest request the model can answer. */
export const PROBE_TEXT = 'ok';
const E5_PREFIX: Record<EmbeddingKind, string> = { query: 'query: ', passage: 'passage: ' };

/** The text a vector is cached under and made from: case and spacing do not change what a citizen means. */
export function queryKey(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

interface PendingQuery {
  text: string;
  resolve: (vector: Vector | undefined) => void;
}

/**
 * Any OpenAI-compatible embeddings endpoint (or several serving the same model), asked through the
 * `openai` package. Citizens' messages are cached by normalised text and micro-batched: while a
 * request is under way to every URL, the messages that arrive wait and go together in the next
 * one, so a burst costs a few model calls instead of many. Each message waits at most
 * `queryTimeoutMs`; a circuit breaker, shared by the URLs, stops asking a model that keeps failing.
 * Either way the caller gets undefined and answers with word search alone.
 */
export class EmbeddingsClient implements Embedder {
  readonly model: string;
  /** One per URL. */
  private readonly clients: OpenAI[];
  /** Whether a query request is under way to each client. */
  private readonly querying: boolean[];
  /**
   * Until when (performance.now()) each client is passed over after a failed request, while
   * another can be asked: one server of several that died must not fail every other message.
   */
  private readonly restingUntil: number[];
  private readonly breaker: CircuitBreakerPolicy;
  private readonly cache: LRUCache<string, Vector>;
  private readonly passageFiles: PassageFiles | undefined;
  /** Messages whose vector is already being made: a second asker waits for the same one. */
  private readonly inFlight = new Map<string, Promise<Vector | undefined>>();
  private queue: PendingQuery[] = [];
  /** Passage requests waiting for the queries to be sent. */
  private passageTurns: (() => void)[] = [];
  private probing = false;
  /** When the circuit last opened, and when a request last succeeded (performance.now()). */
  private openedAt = 0;
  private lastSuccess = -Infinity;
  private readonly counters: EmbeddingsStats = {
    queries: 0,
    cacheHits: 0,
    batches: 0,
    batchedQueries: 0,
    unanswered: 0,
    requestMs: 0,
    waitMs: 0,
  };

  constructor(private readonly options: EmbeddingsClientOptions) {
    this.model = options.model;
    if (options.urls.length === 0) throw new Error('an embeddings client needs at least one URL');
    this.clients = options.urls.map(
      (url) =>
        new OpenAI({
          apiKey: options.apiKey ?? NO_KEY,
          baseURL: url,
          // A retry would only hide a failing model from the breaker; the caller has its own deadline.
          maxRetries: 0,
          organization: null,
          project: null,
        }),
    );
    this.querying = this.clients.map(() => false);
    this.restingUntil = this.clients.map(() => 0);
    this.cache = new LRUCache({ max: options.cacheSize });
    this.passageFiles =
      options.passageDir === undefined
        ? undefined
        : new PassageFiles(options.passageDir, `${options.model}\0${options.inputType}`);
    this.breaker = modelBreaker(options.breakerFailures, options.breakerResetMs);
    this.breaker.onBreak(() => {
      this.openedAt = performance.now();
      options.logger.warn(
        { model: this.model, retryInMs: options.breakerResetMs },
        'embeddings model failing: circuit open, answering with word search alone',
      );
    });
    this.breaker.onReset(() =>
      options.logger.info({ model: this.model }, 'embeddings model answers again: circuit closed'),
    );
  }

  embedQuery(text: string): Promise<Vector | undefined> {
    const key = queryKey(text);
    this.counters.queries++;
    const cached = this.cache.get(key);
    if (cached) {
      this.counters.cacheHits++;
      return Promise.resolve(cached);
    }
    const running = this.inFlight.get(key);
    if (running) return this.withDeadline(running);
    // Once the circuit has been open long enough, this message's request is the trial that may close it.
    if (this.breaker.state === CircuitState.Open && !this.trialDue()) {
      this.counters.unanswered++;
      return Promise.resolve(undefined);
    }
    const made = new Promise<Vector | undefined>((resolve) => {
      this.queue.push({ text: key, resolve });
    }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, made);
    this.sendQueued();
    return this.withDeadline(made);
  }

  /** Content texts in small requests behind citizens' messages, kept on disk by text. */
  async embedPassages(texts: string[], { timeoutMs = DEFAULT_PASSAGE_TIMEOUT_MS } = {}): Promise<Vector[]> {
    const vectors = texts.map((text) => this.passageFiles?.get(text));
    const missing = texts.flatMap((text, index) => (vectors[index] ? [] : [index]));
    for (let start = 0; start < missing.length; start += PASSAGE_BATCH) {
      await this.queriesSent();
      const batch = missing.slice(start, start + PASSAGE_BATCH);
      const made = await this.request(
        batch.map((index) => texts[index]!),
        'passage',
        timeoutMs,
      );
      batch.forEach((index, i) => {
        vectors[index] = made[i];
        this.passageFiles?.set(texts[index]!, made[i]!);
      });
    }
    return vectors as Vector[];
  }

  status(): EmbedderStatus {
    const circuit =
      this.breaker.state === CircuitState.Open || this.breaker.state === CircuitState.Isolated
        ? 'open'
        : this.breaker.state === CircuitState.HalfOpen
          ? 'half-open'
          : 'closed';
    return { model: this.model, circuit };
  }

  stats(): EmbeddingsStats {
    return { ...this.counters };
  }

  /**
   * A light health check, run periodically: unless a request succeeded in the last `quietMs`, asks
   * for one tiny vector through the circuit breaker. A model that went down while nobody asked
   * thus opens the circuit, and one that came back closes it, with or without citizens' messages.
   */
  async probe(quietMs: number): Promise<void> {
    if (this.probing || performance.now() - this.lastSuccess < quietMs) return;
    if (this.breaker.state === CircuitState.Open && !this.trialDue()) return;
    this.probing = true;
    try {
      await this.request([PROBE_TEXT], 'query', this.options.queryTimeoutMs * 4);
    } catch {
      // The breaker has counted it; the request logged it.
    } finally {
      this.probing = false;
    }
  }

  /** Resolves once no query is queued or under way. */
  private queriesSent(): Promise<void> {
    if (!this.querying.includes(true) && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.passageTurns.push(resolve));
  }

  private trialDue(): boolean {
    return performance.now() - this.openedAt >= this.options.breakerResetMs;
  }

  /** The vector, or undefined once the caller's deadline passes (the request goes on and fills the cache). */
  private withDeadline(made: Promise<Vector | undefined>): Promise<Vector | undefined> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.options.queryTimeoutMs);
    });
    return Promise.race([made, late]).then((vector) => {
      clearTimeout(timer);
      this.counters.waitMs += performance.now() - started;
      if (!vector) this.counters.unanswered++;
      return vector;
    });
  }

  /**
   * One request at a time to each URL: a message is sent at once to an idle one, and what queues
   * while all are busy goes together in the next request the first to finish sends.
   */
  private sendQueued(): void {
    for (;;) {
      const idle = this.awakeClients().find((i) => !this.querying[i]);
      if (idle === undefined || this.queue.length === 0) return;
      this.querying[idle] = true;
      const batch = this.queue.splice(0, this.options.maxBatch);
      const started = performance.now();
      this.counters.batches++;
      this.counters.batchedQueries += batch.length;
      // A request may outlive the citizen's wait, but not by much: its results only fill the cache.
      this.request(
        batch.map((q) => q.text),
        'query',
        this.options.queryTimeoutMs * 4,
        idle,
      )
        .then(
          (vectors) =>
            batch.forEach((q, i) => {
              this.cache.set(q.text, vectors[i]!);
              q.resolve(vectors[i]);
            }),
          () => batch.forEach((q) => q.resolve(undefined)),
        )
        .finally(() => {
          this.counters.requestMs += performance.now() - started;
          this.querying[idle] = false;
          this.sendQueued();
          if (!this.querying.includes(true)) this.passageTurns.splice(0).forEach((resume) => resume());
        });
    }
  }

  /** The clients not resting; all of them when every one is, so that the breaker decides. */
  private awakeClients(): number[] {
    const now = performance.now();
    const all = [...this.clients.keys()];
    const awake = all.filter((i) => this.restingUntil[i]! <= now);
    return awake.length > 0 ? awake : all;
  }

  /** Passages and probes go to the first client not resting. */
  private async request(
    texts: string[],
    kind: EmbeddingKind,
    timeoutMs: number,
    index = this.awakeClients()[0]!,
  ): Promise<Vector[]> {
    const { inputType } = this.options;
    const input = inputType === 'prefix' ? texts.map((t) => E5_PREFIX[kind] + t) : texts;
    // `input_type` is not in OpenAI's own parameters; the SDK sends extra fields as they are.
    const extra = inputType === 'field' ? { input_type: kind } : {};
    try {
      const vectors = await guardedModelCall(
        this.breaker,
        timeoutMs,
        this.options.observeRequest,
        async (signal) => {
          const response = await this.clients[index]!.embeddings.create(
            { model: this.model, input, encoding_format: 'float', ...extra },
            { signal },
          );
          const rows = [...response.data].sort((a, b) => a.index - b.index);
          if (rows.length !== texts.length)
            throw new Error(`embeddings endpoint returned ${rows.length} vectors for ${texts.length} texts`);
          return rows.map((row) => normalize(row.embedding));
        },
      );
      this.lastSuccess = performance.now();
      this.restingUntil[index] = 0;
      return vectors;
    } catch (error) {
      if (this.clients.length > 1) this.restingUntil[index] = performance.now() + this.options.breakerResetMs;
      if (this.breaker.state !== CircuitState.Open)
        this.options.logger.warn({ err: error, kind, texts: texts.length }, 'embeddings request failed');
      throw error;
    }
  }
}
