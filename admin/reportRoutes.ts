import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  afterActionCsv,
  afterActionReport,
  reportCsv,
  ReportNotFound,
  tariffInputSchema,
  wholeHourInstant,
  type Report,
  type ReportRequest,
  type Reports,
  type Tariffs,
} from '../accounting';
import { DAY_MS, writeAudit as audit } from '../models';
import type { User } from './accounts';
import type { Auth } from './auth';
import { HttpError, jsonRoute, parseBody, parseQuery } from './http';

const MAX_PERIOD_DAYS = 400;
const READERS = ['admin', 'authority'];

const periodFields = { from: wholeHourInstant, to: wholeHourInstant };
const checkPeriod = (p: { from: string; to: string }, ctx: z.RefinementCtx) => {
  const span = new Date(p.to).getTime() - new Date(p.from).getTime();
  if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  if (span > MAX_PERIOD_DAYS * DAY_MS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_PERIOD_DAYS} days after from` });
  }
};
export const periodQuery = z.object(periodFields).strict().superRefine(checkPeriod);
export const issueBody = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('activation'), slug: z.string().min(1).max(100) }).strict(),
  z
    .object({
      scope: z.literal('authority'),
      nis: z.string().regex(/^\d{5}$/, 'a 5-digit NIS code'),
      ...periodFields,
    })
    .strict()
    .superRefine(checkPeriod),
]);
export { tariffInputSchema as tariffBody };

/** Admins see every report; an authority's users only their own authority's (others get 404: no hint it exists). */
function mayRead(user: User, authorityNis: string | undefined): boolean {
  if (user.roles.includes('admin')) return true;
  return user.roles.includes('authority') && Boolean(authorityNis) && user.authorityNis === authorityNis;
}

function sendCsv(res: Response, report: Report, name: string): void {
  sendCsvText(res, reportCsv(report), name);
}

function sendCsvText(res: Response, body: string, name: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}.csv"`,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function periodOf(req: Request): { from: Date; to: Date } {
  const { from, to } = parseQuery(periodQuery, req, 'invalid period');
  return { from: new Date(from), to: new Date(to) };
}

/** Tariffs (admins) and cost reports (admins, and an authority's users for their own authority). */
export function registerReportRoutes(
  server: Server,
  deps: { auth: Auth; reports: Reports; tariffs: Tariffs; logger: Logger },
): void {
  const { auth, reports, tariffs, logger } = deps;
  const route = (handler: Parameters<typeof jsonRoute>[0]) =>
    jsonRoute(handler, logger, (error) =>
      error instanceof ReportNotFound ? new HttpError(404, 'no such report') : undefined,
    );

  /** The caller, if allowed to read reports at all, and what it may read of them. */
  const reader = async (req: Request) => {
    const { user } = await auth.requireRole(req, ...READERS);
    const check = (authorityNis: string | undefined) => {
      if (mayRead(user, authorityNis)) return true;
      // Answered 404 like an unknown one; the log keeps the attempt. The check is synchronous.
      void audit(user, 'report.access', `authority:${authorityNis ?? '-'}`, 'refused', {
        route: req.getRoute()?.path,
      }).catch((error: unknown) => logger.error({ err: error }, 'audit of a refused report failed'));
      return false;
    };
    return { user, mayRead: check };
  };
  const activationRequest = (req: Request): ReportRequest => ({
    scope: 'activation',
    slug: String(req.params.slug),
  });
  const authorityRequest = (req: Request): ReportRequest => ({
    scope: 'authority',
    nis: String(req.params.nis),
    ...periodOf(req),
  });

  server.get(
    '/api/tariffs',
    route(async (req) => {
      await auth.requireRole(req, 'admin');
      return { tariffs: await tariffs.list() };
    }),
  );

  server.post(
    '/api/tariffs',
    route(async (req, res) => {
      const caller = await auth.requireRole(req, 'admin');
      const body = parseBody(tariffInputSchema, req);
      const version = await tariffs.add(body, caller.user.id);
      await audit(caller.user, 'tariff.create', `tariff:${version.id}`, 'allowed', {
        validFrom: body.validFrom,
      });
      res.status(201);
      return version;
    }),
  );

  for (const [path, requestOf] of [
    ['/api/reports/activation/:slug', activationRequest],
    ['/api/reports/authority/:nis', authorityRequest],
  ] as const) {
    server.get(
      path,
      route(async (req) => {
        const request = requestOf(req);
        return reports.build(request, await reader(req));
      }),
    );
    server.get(
      `${path}/csv`,
      route(async (req, res) => {
        const request = requestOf(req);
        const report = await reports.build(request, await reader(req));
        sendCsv(res, report, `report-${report.subject}`);
      }),
    );
  }

  server.get(
    '/api/reports/exercise/:slug',
    route(async (req) => afterActionReport(String(req.params.slug), (await reader(req)).mayRead)),
  );
  server.get(
    '/api/reports/exercise/:slug/csv',
    route(async (req, res) => {
      const report = await afterActionReport(String(req.params.slug), (await reader(req)).mayRead);
      sendCsvText(res, afterActionCsv(report), `after-action-${report.slug}`);
    }),
  );

  server.post(
    '/api/reports/issued',
    route(async (req, res) => {
      const body = parseBody(issueBody, req);
      const request: ReportRequest =
        body.scope === 'activation'
          ? body
          : { scope: 'authority', nis: body.nis, from: new Date(body.from), to: new Date(body.to) };
      const { user, mayRead: allowed } = await reader(req);
      const issued = await reports.issue(request, user.id, { mayRead: allowed });
      await audit(user, 'report.issue', `report:${issued.id}`, 'allowed', { subject: issued.report.subject });
      res.status(201);
      return issued;
    }),
  );

  server.get(
    '/api/reports/issued',
    route(async (req) => {
      const { user } = await auth.requireRole(req, ...READERS);
      const own = user.roles.includes('admin') ? undefined : (user.authorityNis ?? '-');
      return { reports: await reports.listIssued(own) };
    }),
  );

  const issuedReadable = async (req: Request) => {
    const { mayRead: allowed } = await reader(req);
    const issued = await reports.issued(String(req.params.id));
    if (!issued || !allowed(issued.report.authorityNis)) throw new ReportNotFound();
    return issued;
  };
  server.get('/api/reports/issued/:id', route(issuedReadable));
  server.get(
    '/api/reports/issued/:id/csv',
    route(async (req, res) => {
      const issued = await issuedReadable(req);
      sendCsv(res, issued.report, issued.id);
    }),
  );
}
