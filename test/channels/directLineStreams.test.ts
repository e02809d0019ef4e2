import http from 'node:http';
import { adminEnv } from '../helpers/api';
import { useTestBot } from '../helpers/bot';
import WebSocket from 'ws';
import { DirectLineClient, type Session } from '../helpers/directLineClient';

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

/** Opens a WebSocket; resolves once open, with a promise of its close code. */
function openSocket(url: string): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    socket.once('open', () => resolve({ socket, closed }));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`stream refused: ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('Direct Line streams', () => {
  const bot = useTestBot(adminEnv);
  const started = async () => {
    const dl = new DirectLineClient(`${bot.app.url}/v3/directline`);
    expect((await dl.start()).status).toBe(201);
    return dl;
  };

  it('open once per streamUrl: the same URL cannot open a second stream', async () => {
    const dl = await started();
    const first = await openSocket(dl.streamUrl);
    try {
      await expect(openSocket(dl.streamUrl)).rejects.toThrow('stream refused: 403');
    } finally {
      first.socket.close();
    }
  });

  it('are one per conversation: a new stream closes the one before', async () => {
    const dl = await started();
    const old = await openSocket(dl.streamUrl);
    expect((await dl.reconnect('0')).status).toBe(200);
    const next = await openSocket(dl.streamUrl);
    try {
      expect(await old.closed).toBe(4001);
      expect(next.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      next.socket.close();
    }
  });

  it('limit reconnects per conversation (429), not other conversations', async () => {
    const dl = await started();
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await dl.reconnect('0'));
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.slice(10).map((a) => a.status)).toEqual([429, 429]);
    expect(answers[10]!.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    const other = await started();
    expect((await other.reconnect('0')).status).toBe(200);
  });
});
