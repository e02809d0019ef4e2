import type { AddressInfo } from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import { InteractionLog, purgeLiveMessages, purgeOldInteractions, Reports, Tariffs } from '../accounting';
import {
  AzureDirectLine,
  ChannelRendering,
  chatPageSecurityPolicy,
  ConversationStarts,
  DirectLine,
  DirectLineTokens,
  keepEntityProperties,
  LocalChannels,
  registerWebChatPage,
  WhatsAppChannel,
} from '../channels';
import { DEFAULT_HANDLE_MS, HandoffDesk, purgeExpiredIntakes, Tickets } from '../handoff';
import {
  Accounts,
  Auth,
  registerAccountRoutes,
  registerApiDocs,
  registerAuditRoutes,
  registerAuthorityRoutes,
  registerCrisisRoutes,
  registerEventStream,
  registerInboxRoutes,
  registerOperationsRoutes,
  registerReportRoutes,
  registerStudioRoutes,
  registerTicketRoutes,
  registerWebApp,
  LiveOperations,
  OPERATIONS,
  OperationsReads,
  SecondFactor,
  Sessions,
  SignInLimiter,
} from '../admin';
import { RouterDialog, reply } from '../dialogs';
import { trainingExemplars } from '../triage';
import { daysBefore, preparePartitions } from '../models';
import {
  EntryTranslator,
  GroundedAnswers,
  LanguageModel,
  LiveContent,
  loadTemplates,
  templatesDir,
  readContentFile,
  seedDemoIfEmpty,
  validateContent,
} from '../knowledge';
import { connectDatabase, disconnectDatabase, startEmbeddedDb } from '../embedded';
import { UnansweredInbox } from '../inbox';
import type { Embedder } from '../semantic';
import { startEmbeddings } from './embeddings';
import { embeddedModelPorts, languageModelEnabled, whatsAppSettings, type Config } from './config';
import { ConversationQueue } from './conversationQueue';
import { CrisisBot } from './crisisBot';
import { ExerciseMarking } from './exerciseMarking';
import { purgeExerciseData } from './exerciseRetention';
import { warnEmbeddedEnvelope } from './embeddedEnvelope';
import { conversationKeyOf, holdsState, purgeIdleState } from './idleState';
import { createTranslator } from './i18n';
import { InteractionLogging } from './interactionLogging';
import { MongoStorage } from './mongoStorage';
import { ProactiveChannel } from './proactiveChannel';
import { projectRoot } from './paths';
import { ResilientStorage } from './resilientStorage';
import { SealedStorage } from './sealedStorage';
import { loadD2Cipher } from './d2Key';
import { Metrics, registerMetricsRoute } from './metrics';
import { createServer } from './server';
import { getTurnInfo } from './turnInfo';

export interface App {
  url: string;
  /** Channels served in-process (Direct Line, WhatsApp): register a handler, deliver citizens' activities. */
  localChannels: LocalChannels;
  /** The embeddings model's client (undefined with EMBEDDINGS=off): tests and the bench read its stats. */
  embedder: Embedder | undefined;
  /** Graceful stop: no new messages, in-flight turns finish, logs flushed, database closed. */
  close(): Promise<void>;
}

const HEALTH_PING_TIMEOUT_MS = 1000;
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
/** How often an operations stream looks for a new read: a change shows within a read's interval and this. */
const OPERATIONS_STREAM_TICK_MS = 250;

async function databasePing(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) return false;
  const timeout = new Promise<boolean>((resolve) =>
    setTimeout(() => resolve(false), HEALTH_PING_TIMEOUT_MS).unref(),
  );
  return Promise.race([
    db
      .admin()
      .ping()
      .then(
        () => true,
        () => false,
      ),
    timeout,
  ]);
}

/** What /healthz says about understanding: word search alone while the model is off or failing. */
type Understanding = 'hybrid' | 'word search only: model unavailable' | 'word search only: off';

function understandingOf(embedder: Embedder | undefined): Understanding {
  if (!embedder) return 'word search only: off';
  return embedder.status().circuit === 'closed' ? 'hybrid' : 'word search only: model unavailable';
}

/** Waits for `done`, or `ms` at most (what is still under way goes on in the background). */
async function untilOrAfter(done: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([done, late]);
  clearTimeout(timer);
}

/** The composition root: builds every component from the configuration and starts serving. */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const root = projectRoot();
  const embedded = config.MONGODB_URI
    ? undefined
    : await startEmbeddedDb({
        dataDir: path.resolve(root, config.DATA_DIR),
        port: config.EMBEDDED_DB_PORT,
        logger,
        rootDir: root,
      });
  const uri = config.MONGODB_URI ?? embedded!.uri;
  // Commands monitored: /metrics times every database call.
  await connectDatabase(uri, logger, { monitorCommands: true });
  const graceMs = config.HANDOFF_GRACE_SECONDS * 1000;
  const operations = new LiveOperations(
    new OperationsReads({ pollMs: config.OPERATIONS_POLL_MS, onlineWindowMs: graceMs }),
    {
      capacity: config.OPERATOR_CAPACITY,
      target: { serviceLevel: config.STAFFING_SERVICE_LEVEL, targetSeconds: config.STAFFING_TARGET_SECONDS },
      arrivalWindowMs: config.STAFFING_WINDOW_MINUTES * 60_000,
      defaultHandleMs: DEFAULT_HANDLE_MS,
    },
  );
  let pendingLog = () => 0;
  const metrics = new Metrics(operations, () => pendingLog());
  const unfollowDatabase = metrics.followDatabase(mongoose.connection.getClient());
  const { embedder, embeddedModel } = await startEmbeddings(
    config,
    root,
    logger,
    metrics.modelObserver('embeddings'),
  );
  // A configured endpoint is first asked here, so a wrong URL or key shows in the log at start.
  void embedder?.probe(0);
  const embeddingsHealth =
    embedder &&
    setInterval(() => void embedder.probe(config.EMBEDDINGS_HEALTH_MS), config.EMBEDDINGS_HEALTH_MS).unref();
  const partitions = await preparePartitions({ requested: config.STATE_PARTITIONS, logger });
  if (embedded && config.NODE_ENV === 'production') warnEmbeddedEnvelope(logger);

  const demo = validateContent(await readContentFile(path.resolve(root, config.DEMO_CONTENT_FILE)));
  if (!demo.ok) throw new Error(`demo content invalid: ${demo.problems.join('; ')}`);
  await seedDemoIfEmpty(demo.content, logger);

  // One wait at start-up for every vector the first citizens need: the content's, then the exemplars'.
  const meaningReadyBy = Date.now() + config.EMBEDDINGS_START_WAIT_MS;
  const live = new LiveContent({
    logger,
    refreshMs: config.CONTENT_REFRESH_MS,
    embedder,
    meaningDeadlineMs: config.EMBEDDINGS_START_WAIT_MS,
  });
  await live.start();
  const interactionLog = new InteractionLog({ logger });
  pendingLog = () => interactionLog.pending;
  const translate = await createTranslator(path.join(root, 'locales'));

  const localChannels = new LocalChannels(config.MicrosoftAppId);
  const botAuth = localChannels.authentication(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: config.MicrosoftAppId,
      MicrosoftAppPassword: config.MicrosoftAppPassword,
      MicrosoftAppType: config.MicrosoftAppType,
      MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    }),
  );
  keepEntityProperties();
  const adapter = new CloudAdapter(botAuth);
  adapter.use(new InteractionLogging(interactionLog));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, conversationId: context.activity.conversation?.id }, 'turn failed');
    const lang = getTurnInfo(context)?.lang ?? 'en';
    await context
      .sendActivity(reply(translate(lang, 'error'), { kind: 'info', lang }))
      .catch((sendError: unknown) => {
        logger.error({ err: sendError }, 'could not send the apology');
      });
  };

  const cipher = loadD2Cipher(config.D2_ENCRYPTION_KEY, path.resolve(root, config.DATA_DIR), logger);
  const storage = new ResilientStorage(
    new SealedStorage(new MongoStorage(), cipher, logger, holdsState),
    logger,
    () => mongoose.connection.readyState === mongoose.ConnectionStates.connected,
  );
  const conversationState = new ConversationState(storage);
  adapter.use(new ExerciseMarking((slug) => live.isExercise(slug), translate));
  const rendering = new ChannelRendering(
    conversationState.createProperty<string[] | undefined>('numberedChoices'),
  );
  adapter.use(rendering);

  // Web chat: the bot's own Direct Line endpoint, and the page at / that uses it (or Azure's).
  const starts = new ConversationStarts(config.DIRECT_LINE_STARTS_PER_MINUTE);
  const directLine = new DirectLine({
    localChannels,
    tokens: new DirectLineTokens(
      cipher.deriveKey('direct-line-tokens'),
      Math.round(config.DIRECT_LINE_TOKEN_MINUTES * 60),
      config.DIRECT_LINE_RETENTION_HOURS * 3600,
    ),
    cipher,
    starts,
    appendQueue: new ConversationQueue(),
    pollMs: config.DIRECT_LINE_POLL_MS,
    publicUrl: config.PUBLIC_URL,
    logger,
  });
  const azureDirectLine = config.DIRECT_LINE_AZURE_SECRET
    ? new AzureDirectLine(config.DIRECT_LINE_AZURE_SECRET, config.DIRECT_LINE_AZURE_URL)
    : undefined;
  const webChatScript = path.join(
    path.dirname(require.resolve('botframework-webchat')),
    '..',
    'dist',
    'webchat.js',
  );

  const desk = new HandoffDesk(
    new Tickets(cipher, (slug) => live.isExercise(slug)),
    new ProactiveChannel(adapter, config.MicrosoftAppId ?? '', translate),
    {
      capacity: config.OPERATOR_CAPACITY,
      maxWaitMinutes: config.HANDOFF_MAX_WAIT_MINUTES,
      onlineWindowMs: graceMs,
      graceMs,
    },
    logger,
  );
  // Optional: without a key or base URL nothing is built, and the bot works as it always did.
  const model = languageModelEnabled(config)
    ? new LanguageModel({
        apiKey: config.OPENAI_API_KEY,
        baseURL: config.OPENAI_BASE_URL,
        model: config.OPENAI_MODEL!,
        timeoutMs: config.OPENAI_TIMEOUT_MS,
        breakerFailures: config.OPENAI_BREAKER_FAILURES,
        breakerResetMs: config.OPENAI_BREAKER_RESET_MS,
        logger,
        observeRequest: metrics.modelObserver('chat'),
      })
    : undefined;
  const inbox = new UnansweredInbox(cipher, logger);
  const router = new RouterDialog(translate, {
    desk,
    retentionDays: config.D2_RETENTION_DAYS,
    d2Phone: config.D2_PHONE_NUMBER,
    grounded: model && new GroundedAnswers(model, logger),
    embedder,
    inbox,
  });
  const templates = await loadTemplates(templatesDir(root));
  const bot = new CrisisBot({
    conversationState,
    live,
    translate,
    router,
    logger,
    embedder,
    triageExemplars: trainingExemplars(templates),
  });
  // The first citizens get the second opinion on victim inquiries too: its classifier is read
  // from the cache at once, or fitted now (a minute or two on a first start), within the same wait.
  await untilOrAfter(bot.ready(), Math.max(0, meaningReadyBy - Date.now()));
  // botbuilder saves state with eTag `*`: one conversation's turns run one after another.
  const turns = new ConversationQueue();
  const runTurn = (context: TurnContext) =>
    turns.run(context.activity.conversation.id, async () => {
      const timer = context.activity.type === 'message' ? metrics.turnSeconds.startTimer() : undefined;
      try {
        await rendering.readChoiceNumber(context);
        await bot.run(context);
      } finally {
        timer?.();
      }
    });
  localChannels.connect(adapter, runTurn);
  const whatsAppConfig = whatsAppSettings(config);
  const whatsApp =
    whatsAppConfig &&
    new WhatsAppChannel({
      settings: whatsAppConfig,
      localChannels,
      cipher,
      translate,
      logger,
    });

  const accounts = new Accounts();
  await accounts.ensureFirstAdmin(
    { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD },
    logger,
  );
  const sessions = new Sessions({
    idleMs: config.SESSION_IDLE_MINUTES * 60_000,
    maxAgeMs: config.SESSION_MAX_HOURS * 3_600_000,
  });
  const auth = new Auth(accounts, sessions, config.NODE_ENV === 'production');
  const tariffs = new Tariffs();
  const reports = new Reports(tariffs);
  const limiter = new SignInLimiter({
    failures: config.SIGNIN_MAX_FAILURES,
    windowSeconds: config.SIGNIN_WINDOW_MINUTES * 60,
  });
  const secondFactor = new SecondFactor(cipher, limiter, config.SECOND_FACTOR_FRESH_MINUTES * 60_000);

  const retention = setInterval(() => {
    Promise.all([
      purgeExpiredIntakes({ now: new Date(), retentionDays: config.D2_RETENTION_DAYS, logger }),
      purgeExerciseData({ now: new Date(), retentionDays: config.EXERCISE_RETENTION_DAYS, logger }),
      purgeIdleState({
        now: new Date(),
        idleHours: config.STATE_IDLE_HOURS,
        withOpenTicket: async () =>
          new Set(
            (await desk.tickets.openConversations()).map((t) =>
              conversationKeyOf(t.channelId, t.conversationId),
            ),
          ),
        logger,
      }),
      desk.tickets.forgetClosed(),
      sessions.purgeExpired(),
      purgeOldInteractions({ now: new Date(), retentionDays: config.INTERACTION_RETENTION_DAYS }),
      inbox.purgeOlderThan(daysBefore(new Date(), config.UNANSWERED_RETENTION_DAYS)),
      purgeLiveMessages(new Date()),
      directLine.purgeOlderThan(new Date(Date.now() - config.DIRECT_LINE_RETENTION_HOURS * 3_600_000)),
      limiter.purgeOlderThan(new Date(Date.now() - config.SIGNIN_WINDOW_MINUTES * 60_000)),
    ]).catch((error: unknown) => logger.error({ err: error }, 'retention sweep failed'));
  }, RETENTION_SWEEP_MS).unref();
  let sweeping = false;
  // A sweep waits twice as long as the last one took, at least: on FerretDB its reads grow with the tickets.
  let nextSweepAt = 0;
  const handoffSweep = setInterval(() => {
    if (sweeping || Date.now() < nextSweepAt) return;
    if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return;
    sweeping = true;
    const started = Date.now();
    desk
      .sweep()
      .catch((error: unknown) => logger.error({ err: error }, 'handoff sweep failed'))
      .finally(() => {
        sweeping = false;
        nextSweepAt = Date.now() + 2 * (Date.now() - started);
      });
  }, config.HANDOFF_SWEEP_MS).unref();
  let closeStreams = () => {};
  let closeOperationStreams = () => {};
  const { server, drain } = createServer({
    adapter,
    logic: runTurn,
    logger,
    allowedServiceUrlHosts: config.MicrosoftAppId ? 'any' : config.ALLOWED_SERVICE_URL_HOSTS,
    publicOrigin: config.PUBLIC_URL && new URL(config.PUBLIC_URL).origin,
    refusedServiceUrlPorts: [
      config.EMBEDDED_DB_PORT,
      ...embeddedModelPorts(config),
      ...config.REFUSED_SERVICE_URL_PORTS,
    ],
    // Azure's Direct Line (authenticated; Azure picks its conversation ids) posts as 'directline' too.
    isOwnChannel: (id) =>
      localChannels.isOwnChannelId(id) &&
      !(azureDirectLine && config.MicrosoftAppId && id.toLowerCase() === 'directline'),
    isHealthy: async () => {
      const database = await databasePing();
      return {
        healthy: database,
        details: {
          database,
          crises: live.active().length,
          understanding: understandingOf(embedder),
          // Crises whose content vectors are loaded: the others are answered by word search alone.
          ...(embedder
            ? { crisesByMeaning: live.active().filter((c) => c.retriever.understandsMeaning).length }
            : {}),
          // Until the D2 classifier is fitted (a first start), the lexicon decides alone.
          secondOpinion: bot.secondOpinionState,
          // Counters only (no text): what the bench reads to tell the model's share of a turn.
          ...(embedder ? { embeddings: embedder.stats() } : {}),
          // Entries not yet written: the bench waits for none after a fill, before it measures.
          interactionLogPending: interactionLog.pending,
        },
      };
    },
    routes: (server) => {
      registerAccountRoutes(server, { auth, accounts, sessions, limiter, secondFactor, logger });
      registerAuthorityRoutes(server, { auth, logger });
      registerAuditRoutes(server, { auth, logger });
      registerCrisisRoutes(server, { auth, live, desk, secondFactor, templates, logger });
      registerTicketRoutes(server, { auth, desk, live, logger, inbox });
      registerStudioRoutes(server, {
        auth,
        live,
        logger,
        interactionLog,
        translator: model && new EntryTranslator(model),
      });
      registerReportRoutes(server, { auth, reports, tariffs, logger });
      registerInboxRoutes(server, { auth, inbox, logger });
      closeStreams = registerEventStream(server, { auth, desk, logger, pollMs: config.EVENTS_POLL_MS });
      closeOperationStreams = registerOperationsRoutes(server, {
        auth,
        operations,
        logger,
        pollMs: Math.min(config.OPERATIONS_POLL_MS, OPERATIONS_STREAM_TICK_MS),
      });
      registerMetricsRoute(server, metrics, config.METRICS_TOKEN, logger);
      registerWebApp(server, path.join(root, 'web'), 'operations');
      registerWebApp(server, path.join(root, 'web'), 'console');
      registerWebApp(server, path.join(root, 'web'), 'studio');
      registerWebApp(server, path.join(root, 'web'), 'activate');
      registerWebApp(server, path.join(root, 'web'), 'admin');
      registerWebApp(server, path.join(root, 'web'), 'shared', {
        // One file with Preact, its hooks and htm: pages with live views use components without a build step.
        extraFiles: {
          'vendor/preact-htm.js': path.join(
            path.dirname(require.resolve('htm/preact')),
            'standalone.module.js',
          ),
          // QR codes drawn in the page (the second factor's enrolment, the citizen link): no image service.
          'vendor/uqr.js': path.join(path.dirname(require.resolve('uqr')), 'index.mjs'),
        },
      });
      registerWebApp(server, path.join(root, 'web'), 'reports', {
        // chart.js exports only its module builds; its browser build sits beside them.
        extraFiles: {
          'vendor/chart.umd.js': path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js'),
        },
      });
      whatsApp?.routes(server);
      registerApiDocs(server, OPERATIONS);
      directLine.register(server);
      registerWebChatPage(server, { live, directLine, azure: azureDirectLine, starts, logger });
      registerWebApp(server, path.join(root, 'web'), 'chat', {
        contentSecurityPolicy: chatPageSecurityPolicy(config.CHAT_FRAME_ANCESTORS, azureDirectLine),
        indexAlsoAt: ['/'],
        extraFiles: { 'vendor/webchat.js': webChatScript },
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  logger.info(
    {
      port,
      auth: Boolean(config.MicrosoftAppId),
      embeddedDb: Boolean(embedded),
      embeddings: embedder?.model ?? 'off',
      statePartitions: partitions.count,
      languageModel: Boolean(model),
    },
    'bot listening',
  );

  return {
    url: `http://127.0.0.1:${port}`,
    localChannels,
    embedder,
    async close() {
      drain();
      clearInterval(embeddingsHealth);
      bot.close();
      clearInterval(retention);
      clearInterval(handoffSweep);
      closeStreams();
      closeOperationStreams();
      directLine.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await whatsApp?.close();
      live.stop();
      await interactionLog.close();
      unfollowDatabase();
      await disconnectDatabase();
      await embeddedModel?.stop();
      await embedded?.stop();
    },
  };
}
