import path from 'node:path';
import restify, { type Server } from 'restify';

/** The operator console: static files, no build step (web/console). */
export function registerConsole(server: Server, webRoot: string): void {
  const dir = path.join(webRoot, 'console');
  server.get('/console', (_req, res, next) => {
    res.redirect(301, '/console/', next);
  });
  server.get(
    '/console/*',
    restify.plugins.serveStaticFiles(dir, {
      setHeaders: (res) => {
        res.setHeader('cache-control', 'no-cache');
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader(
          'content-security-policy',
          "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        );
      },
    }),
  );
}
