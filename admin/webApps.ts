import path from 'node:path';
import restify, { type Server } from 'restify';

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
        res.setHeader(
          'content-security-policy',
          "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        );
      },
    }),
  );
}
