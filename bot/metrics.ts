import { createHash, timingSafeEqual } from 'node:crypto';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import type { mongo } from 'mongoose';
import { realCrises, type LiveOperations, type OperationsFigures } from '../admin';

const QUEUE_LABELS = ['crisis', 'queue', 'lang'] as const;
const STAFF_LABELS = ['queue', 'lang'] as const;
/** Turns and model calls take from milliseconds to the model's deadline of seconds. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The process's Prometheus metrics: its own latencies (turns, database commands, model calls, the
 * interaction log's buffer) and the operations view's figures per crisis, queue and language, read
 * from the same shared computation at each scrape.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly turnSeconds = new Histogram({
    name: 'ccb_turn_duration_seconds',
    help: "Time the bot took over a citizen's message, from receiving it to its last reply",
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly databaseSeconds = new Histogram({
    name: 'ccb_database_command_duration_seconds',
    help: 'Database commands, by command name, as the driver timed them',
    labelNames: ['command', 'outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly modelSeconds = new Histogram({
    name: 'ccb_model_request_duration_seconds',
    help: 'Requests to the embeddings model and the chat model',
    labelNames: ['model', 'outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly figures = {
    conversationsNow: this.gauge(
      'ccb_conversations_active',
      'Conversations with a message in the last 5 minutes',
      ['crisis'],
    ),
    conversationsHour: this.gauge(
      'ccb_conversations_last_hour',
      'Conversations with a message in the last hour',
      ['crisis'],
    ),
    messagesPerMinute: this.gauge(
      'ccb_messages_per_minute',
      "Citizens' messages a minute over the last 5 minutes",
      ['crisis'],
    ),
    replies: this.gauge('ccb_replies_last_hour', "Citizens' messages of the last hour by what the bot did", [
      'crisis',
      'outcome',
    ]),
    waiting: this.gauge('ccb_queue_waiting', 'Tickets waiting', QUEUE_LABELS),
    oldestWait: this.gauge('ccb_queue_oldest_wait_seconds', 'Age of the oldest waiting ticket', QUEUE_LABELS),
    medianWait: this.gauge(
      'ccb_queue_wait_median_seconds',
      'Median wait of the tickets taken in the last 15 minutes',
      QUEUE_LABELS,
    ),
    p90Wait: this.gauge(
      'ccb_queue_wait_p90_seconds',
      '90th percentile wait of the tickets taken in the last 15 minutes',
      QUEUE_LABELS,
    ),
    online: this.gauge(
      'ccb_operators_online',
      'Operators online who serve the queue and language',
      STAFF_LABELS,
    ),
    busy: this.gauge(
      'ccb_operators_busy',
      'Operators online holding at least one conversation',
      STAFF_LABELS,
    ),
    load: this.gauge(
      'ccb_operators_load_ratio',
      "Conversations held over the online operators' capacity",
      STAFF_LABELS,
    ),
    needed: this.gauge(
      'ccb_operators_needed',
      'Operators Erlang C needs for the service level, all crises together',
      STAFF_LABELS,
    ),
    exercise: this.gauge(
      'ccb_crisis_exercise',
      'Whether the crisis is an exercise (1) or real (0), to leave drills out of alerts',
      ['crisis'],
    ),
    d2Open: this.gauge('ccb_d2_tickets_open', 'D2 tickets not closed', ['crisis']),
    d2Oldest: this.gauge('ccb_d2_ticket_oldest_age_seconds', 'Age of the oldest D2 ticket not closed', [
      'crisis',
    ]),
  };

  constructor(
    private readonly operations: LiveOperations,
    logPending: () => number,
  ) {
    new Gauge({
      name: 'ccb_interaction_log_pending',
      help: 'Interaction log entries recorded but not yet written',
      registers: [this.registry],
      collect() {
        this.set(logPending());
      },
    });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** Follows every command the driver sends (the connection must monitor commands); returns the unfollow. */
  followDatabase(client: mongo.MongoClient): () => void {
    const succeeded = (e: { commandName: string; duration: number }) =>
      this.databaseSeconds.observe({ command: e.commandName, outcome: 'ok' }, e.duration / 1000);
    const failed = (e: { commandName: string; duration: number }) =>
      this.databaseSeconds.observe({ command: e.commandName, outcome: 'failed' }, e.duration / 1000);
    client.on('commandSucceeded', succeeded);
    client.on('commandFailed', failed);
    return () => {
      client.off('commandSucceeded', succeeded);
      client.off('commandFailed', failed);
    };
  }

  /** An observer for a model client's requests. */
  modelObserver(model: 'embeddings' | 'chat'): (seconds: number, ok: boolean) => void {
    return (seconds, ok) => this.modelSeconds.observe({ model, outcome: ok ? 'ok' : 'failed' }, seconds);
  }

  /** The exposition, with the operations figures of this moment's shared read. */
  async render(): Promise<string> {
    const data = await this.operations.reads.data();
    for (const gauge of Object.values(this.figures)) gauge.reset();
    const slugs = data.crises.map((c) => c.slug);
    for (const slug of slugs) this.setCrisis(slug, (await this.operations.figures([slug])).figures);
    // The staffing advice is of the real crises together, as the view's "all".
    const { figures: all } = await this.operations.figures(realCrises(data, slugs));
    for (const q of all.queues) {
      const labels = { queue: q.queue, lang: q.lang };
      this.figures.online.set(labels, q.operatorsOnline);
      this.figures.busy.set(labels, q.operatorsBusy);
      if (q.load !== null) this.figures.load.set(labels, q.load);
      this.figures.needed.set(labels, q.staffing.operatorsNeeded);
    }
    return this.registry.metrics();
  }

  private setCrisis(crisis: string, f: OperationsFigures): void {
    const g = this.figures;
    g.exercise.set({ crisis }, f.exercise ? 1 : 0);
    g.conversationsNow.set({ crisis }, f.conversations.now);
    g.conversationsHour.set({ crisis }, f.conversations.lastHour);
    g.messagesPerMinute.set({ crisis }, f.messagesPerMinute);
    const { answered, clarified, unanswered, handedOver } = f.replies;
    for (const [outcome, count] of Object.entries({
      answered,
      clarified,
      unanswered,
      handed_over: handedOver,
    }))
      g.replies.set({ crisis, outcome }, count);
    for (const q of f.queues) {
      const labels = { crisis, queue: q.queue, lang: q.lang };
      g.waiting.set(labels, q.waiting);
      if (q.oldestWaitSeconds !== null) g.oldestWait.set(labels, q.oldestWaitSeconds);
      if (q.medianWaitSeconds !== null) g.medianWait.set(labels, q.medianWaitSeconds);
      if (q.p90WaitSeconds !== null) g.p90Wait.set(labels, q.p90WaitSeconds);
    }
    g.d2Open.set({ crisis }, f.d2.open);
    if (f.d2.oldestAgeSeconds !== null) g.d2Oldest.set({ crisis }, f.d2.oldestAgeSeconds);
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `GET /metrics` for a monitoring system, behind a bearer token (401 without it or with another).
 * Without a token configured the route does not exist (404): figures of a crisis are not public.
 */
export function registerMetricsRoute(
  server: Server,
  metrics: Metrics,
  token: string | undefined,
  logger: Logger,
): void {
  if (!token) return;
  const expected = digest(token);
  server.get('/metrics', async (req: Request, res: Response) => {
    const header = req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    // Compared as digests: equal lengths for timingSafeEqual, and no timing to learn the token from.
    if (!given || !timingSafeEqual(digest(given), expected)) {
      res.header('www-authenticate', 'Bearer');
      res.send(401, { error: 'a valid metrics token is needed' });
      return;
    }
    try {
      const body = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
      res.end(body);
    } catch (error) {
      logger.error({ err: error }, 'metrics not rendered');
      res.send(500, { error: 'internal error' });
    }
  });
}
