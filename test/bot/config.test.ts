import { ConfigError, embeddingsSettings, languageModelEnabled, loadConfig } from '../../bot/config';

describe('configuration', () => {
  it('has working defaults for a local run', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3978,
      EMBEDDED_DB_PORT: 27018,
      DATA_DIR: './data',
      D2_RETENTION_DAYS: 30,
    });
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.ALLOWED_SERVICE_URL_HOSTS).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ D2_ENCRYPTION_KEY: 'too-short' }, 'D2_ENCRYPTION_KEY'],
    [{ MicrosoftAppId: 'abc' }, 'MicrosoftAppPassword'],
    [{ NODE_ENV: 'production' }, 'D2_ENCRYPTION_KEY'],
    [{ OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' }, 'OPENAI_MODEL'],
    [{ OPENAI_API_KEY: 'sk-x' }, 'OPENAI_MODEL'],
    [{ OPENAI_BASE_URL: 'not a url', OPENAI_MODEL: 'm' }, 'OPENAI_BASE_URL'],
    [{ OPENAI_TIMEOUT_MS: '0' }, 'OPENAI_TIMEOUT_MS'],
    [{ OPENAI_BREAKER_FAILURES: 'many' }, 'OPENAI_BREAKER_FAILURES'],
    [{ EMBEDDINGS: 'maybe' }, 'EMBEDDINGS'],
    [{ EMBEDDINGS_URL: 'http://127.0.0.1:8080/v1' }, 'EMBEDDINGS_MODEL'],
    [{ EMBEDDINGS_MODEL: 'text-embedding-3-small' }, 'EMBEDDINGS_MODEL'],
    [{ EMBEDDINGS_URL: 'ftp://host/v1', EMBEDDINGS_MODEL: 'm' }, 'EMBEDDINGS_URL'],
    [{ EMBEDDINGS_INPUT_TYPE: 'header' }, 'EMBEDDINGS_INPUT_TYPE'],
    [{ EMBEDDED_MODEL_PORT: '70000' }, 'EMBEDDED_MODEL_PORT'],
    [{ EMBEDDED_MODEL_THREADS: '0' }, 'EMBEDDED_MODEL_THREADS'],
    [{ EMBEDDED_MODEL_PROCESSES: '0' }, 'EMBEDDED_MODEL_PROCESSES'],
    [{ EMBEDDED_MODEL_PORT: '65535' }, 'EMBEDDED_MODEL_PORT'],
    [{ EMBEDDINGS_QUERY_TIMEOUT_MS: 'soon' }, 'EMBEDDINGS_QUERY_TIMEOUT_MS'],
    [{ EMBEDDINGS_MAX_BATCH: '0' }, 'EMBEDDINGS_MAX_BATCH'],
    [{ STATE_PARTITIONS: 'many' }, 'STATE_PARTITIONS'],
    [{ STATE_PARTITIONS: '0' }, 'STATE_PARTITIONS'],
    [{ STATE_IDLE_HOURS: '-1' }, 'STATE_IDLE_HOURS'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n  ${variable}:`));
  });

  it('turns the language model on with a key or a base URL alone, and leaves it off otherwise', () => {
    expect(languageModelEnabled(loadConfig({}))).toBe(false);
    expect(languageModelEnabled(loadConfig({ OPENAI_MODEL: 'gpt-4o-mini' }))).toBe(false);
    expect(languageModelEnabled(loadConfig({ OPENAI_API_KEY: 'sk-x', OPENAI_MODEL: 'gpt-4o-mini' }))).toBe(
      true,
    );
    const local = loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1', OPENAI_MODEL: 'llama' });
    expect(languageModelEnabled(local)).toBe(true);
    expect(local).toMatchObject({
      OPENAI_TIMEOUT_MS: 6000,
      OPENAI_BREAKER_FAILURES: 3,
      OPENAI_BREAKER_RESET_MS: 30_000,
    });
  });

  it('uses the embedded model unless a URL is set, tells kinds apart to suit each, and is off on request', () => {
    expect(embeddingsSettings(loadConfig({}))).toEqual({
      url: undefined,
      model: undefined,
      apiKey: undefined,
      inputType: 'field',
    });
    const azure = loadConfig({
      EMBEDDINGS_URL: 'https://crisis.openai.azure.com/openai/v1',
      EMBEDDINGS_MODEL: 'embeddings-small',
      EMBEDDINGS_API_KEY: 'key',
    });
    expect(embeddingsSettings(azure)).toEqual({
      url: 'https://crisis.openai.azure.com/openai/v1',
      model: 'embeddings-small',
      apiKey: 'key',
      inputType: 'none',
    });
    const e5 = loadConfig({
      EMBEDDINGS_URL: 'http://10.0.0.5:8080/v1',
      EMBEDDINGS_MODEL: 'intfloat/multilingual-e5-large',
      EMBEDDINGS_INPUT_TYPE: 'prefix',
    });
    expect(embeddingsSettings(e5)?.inputType).toBe('prefix');
    expect(
      embeddingsSettings(loadConfig({ EMBEDDINGS: 'off', EMBEDDINGS_URL: 'http://x/v1' })),
    ).toBeUndefined();
  });

  it('treats empty values as unset, as .env files write them', () => {
    expect(loadConfig({ MONGODB_URI: '', MicrosoftAppId: ' ' }).MicrosoftAppId).toBeUndefined();
    expect(loadConfig({ STATE_PARTITIONS: '' }).STATE_PARTITIONS).toBeUndefined();
  });

  it('leaves the partition count to the database engine unless it is set, and idles state after 6 hours', () => {
    expect(loadConfig({}).STATE_PARTITIONS).toBeUndefined();
    expect(loadConfig({}).STATE_IDLE_HOURS).toBe(6);
    expect(loadConfig({ STATE_PARTITIONS: '64', STATE_IDLE_HOURS: '2.5' })).toMatchObject({
      STATE_PARTITIONS: 64,
      STATE_IDLE_HOURS: 2.5,
    });
  });
});
