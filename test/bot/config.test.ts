import { ConfigError, loadConfig } from '../../bot/config';

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
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n  ${variable}:`));
  });

  it('treats empty values as unset, as .env files write them', () => {
    expect(loadConfig({ MONGODB_URI: '', MicrosoftAppId: ' ' }).MicrosoftAppId).toBeUndefined();
  });
});
