import fs from 'node:fs';
import path from 'node:path';
import restify, { type Server } from 'restify';

const CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";

/** A web app of static files with no build step (`web/<name>`, served at `/<name>/`). */
export function registerWebApp(server: Server, webRoot: string, name: string): void {
  const dir = path.join(webRoot, name);
  server.get(`/${name}`, (_req, res, next) => {
    res.redirect(301, `/${name}/`, next);
  });
  server.get(
    `/${name}/*`,
    restify.plugins.serveStaticFiles(dir, {
      setHeaders: (res) => {
        res.setHeader('cache-control', 'no-cache');
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('content-security-policy', CSP);
      },
    }),
  );
}

/**
 * A browser library from the project's own dependencies, at `/vendor/<name>`: pages load it from
 * this server, never from a CDN. Read once: it only changes with `npm ci`.
 */
export function registerVendorScript(server: Server, name: string, file: string): void {
  const body = fs.readFileSync(file);
  server.get(`/vendor/${name}`, (_req, res, next) => {
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'public, max-age=86400',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
    next();
  });
}
