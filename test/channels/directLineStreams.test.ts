import http from 'node:http';
import { adminEnv } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import type { Session } from '../helpers/directLineClient';

/** Starts a conversation with a Host header of the caller's choosing (fetch cannot set one). */
function startWithHost(url: string, host: string): Promise<{ status: number; body: Session }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/v3/directline/conversations`,
      { method: 'POST', headers: { host, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Session }));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

describe('Direct Line streamUrls without PUBLIC_URL', () => {
  const bot = useTestBot(adminEnv);
  const port = () => new URL(bot.app.url).port;

  it.each(['evil.example', 'evil.example:443', '127.0.0.1.evil.example'])(
    'never point at the Host header %s: localhost and the port the client reached',
    async (host) => {
      const started = await startWithHost(bot.app.url, host);
      expect(started.status).toBe(201);
      expect(new URL(started.body.streamUrl).host).toBe(`localhost:${port()}`);
    },
  );

  it('keep the loopback name the client used, with the port it reached, not one it claims', async () => {
    const started = await startWithHost(bot.app.url, '127.0.0.1:27018');
    expect(new URL(started.body.streamUrl).host).toBe(`127.0.0.1:${port()}`);
  });
});
