import { ConfigError, loadConfig } from '../../bot/config';

describe('configuration of the web chat and its Direct Line', () => {
  it('runs its own Direct Line by default, embeddable anywhere, tokens of 30 minutes', () => {
    expect(loadConfig({})).toMatchObject({
      DIRECT_LINE_TOKEN_MINUTES: 30,
      DIRECT_LINE_RETENTION_HOURS: 24,
      CHAT_FRAME_ANCESTORS: '*',
    });
    expect(loadConfig({}).DIRECT_LINE_AZURE_SECRET).toBeUndefined();
  });

  it('takes a list of origins that may embed the page', () => {
    const origins = "'self' https://www.valmont.example https://crisis.example.org";
    expect(loadConfig({ CHAT_FRAME_ANCESTORS: origins }).CHAT_FRAME_ANCESTORS).toBe(origins);
  });

  it.each([
    [{ CHAT_FRAME_ANCESTORS: "https://a.example; script-src 'unsafe-inline'" }, 'CHAT_FRAME_ANCESTORS'],
    [{ CHAT_FRAME_ANCESTORS: 'javascript:alert(1)' }, 'CHAT_FRAME_ANCESTORS'],
    [{ DIRECT_LINE_AZURE_URL: 'directline.botframework.com' }, 'DIRECT_LINE_AZURE_URL'],
    [{ DIRECT_LINE_TOKEN_MINUTES: '0' }, 'DIRECT_LINE_TOKEN_MINUTES'],
    [{ DIRECT_LINE_STARTS_PER_MINUTE: 'many' }, 'DIRECT_LINE_STARTS_PER_MINUTE'],
    [{ PUBLIC_URL: 'ftp://chat.example.org' }, 'PUBLIC_URL'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n  ${variable}:`));
  });
});
