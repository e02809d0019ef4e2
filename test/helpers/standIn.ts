import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request, its body already read. */
export type StandInHandler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

/**
 * An HTTP server on a free loopback port: the base of the tests' stand-ins for what the bot talks
 * to (a channel's Connector API, OpenAI, Meta's Graph API, Azure's Direct Line).
 */
export class StandInServer {
  private readonly server: http.Server;

  constructor(handle: StandInHandler) {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => handle(req, body, res));
    });
  }

  /** Listens; answers the server's origin (`http://127.0.0.1:PORT`). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
