import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import restify, { type Request, type Response, type Server } from 'restify';

export const STRICT_CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";

export interface WebAppOptions {
  /** For a page that needs more than the strict default (the chat page: Web Chat's inline styles, embedding). */
  contentSecurityPolicy?: string;
  /** Other paths that serve the app's `index.html` (the chat page is the bot's home page, `/`). */
  indexAlsoAt?: string[];
  /**
   * Files from elsewhere served under the app's path (`vendor/webchat.js` → a file in node_modules).
   * They change only with a dependency: each is read and compressed once, and revalidated by ETag.
   */
  extraFiles?: Record<string, string>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
};

/** A web app of static files with no build step (`web/<name>`, served at `/<name>/`). */
export function registerWebApp(
  server: Server,
  webRoot: string,
  name: string,
  options: WebAppOptions = {},
): void {
  const dir = path.join(webRoot, name);
  const setHeaders = (res: Response) => {
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', options.contentSecurityPolicy ?? STRICT_CONTENT_SECURITY_POLICY);
  };
  const serveFile = (route: string, file: string) => {
    server.get(route, async (_req, res: Response) => {
      setHeaders(res);
      res.setHeader('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
      res.writeHead(200);
      await pipeline(fs.createReadStream(file), res);
    });
  };
  server.get(`/${name}`, (_req, res, next) => {
    res.redirect(301, `/${name}/`, next);
  });
  for (const route of options.indexAlsoAt ?? []) serveFile(route, path.join(dir, 'index.html'));
  for (const [route, file] of Object.entries(options.extraFiles ?? {})) {
    // Read and compressed at the first request, not at every start (tests start many servers).
    let cached: { plain: Buffer; gzipped: Buffer; etag: string } | undefined;
    const load = () => {
      const plain = fs.readFileSync(file);
      const etag = `"${createHash('sha256').update(plain).digest('base64url').slice(0, 27)}"`;
      return { plain, gzipped: gzipSync(plain), etag };
    };
    server.get(`/${name}/${route}`, async (req: Request, res: Response) => {
      cached ??= load();
      setHeaders(res);
      res.setHeader('etag', cached.etag);
      res.setHeader('vary', 'accept-encoding');
      if (req.headers['if-none-match'] === cached.etag) {
        res.writeHead(304);
        res.end();
        return;
      }
      const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      res.setHeader('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
      if (gzip) res.setHeader('content-encoding', 'gzip');
      res.writeHead(200);
      res.end(gzip ? cached.gzipped : cached.plain);
    });
  }
  server.get(`/${name}/*`, restify.plugins.serveStaticFiles(dir, { setHeaders }));
}
