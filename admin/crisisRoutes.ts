import type { Request, Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { HandoffDesk } from '../handoff';
import {
  publishContent,
  validateContent,
  type ContentFile,
  type CrisisTemplate,
  type LiveContent,
} from '../knowledge';
import { AuthorityModel, CrisisModel, LANGUAGES, writeAudit as audit } from '../models';
import type { Auth, Caller } from './auth';
import { crisisFor } from './crisisAccess';
import { HttpError, jsonRoute, parseBody } from './http';
import type { SecondFactor } from './secondFactor';

const localizedText = (max: number) => z.partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(max));
const totpCode = z
  .string()
  .regex(/^\d{6}$/, 'six digits')
  .optional();

export const activationBody = z
  .object({
    authorityNis: z
      .string()
      .regex(/^\d{5}$/)
      .optional(),
    slug: z
      .string()
      .regex(/^[a-z0-9-]{3,64}$/)
      .optional(),
    title: localizedText(200),
    summary: localizedText(2000).optional(),
    languages: z.array(z.enum(LANGUAGES)).min(1),
    infoNumber: z.string().regex(/^\+?[0-9][0-9 ./()-]{2,29}$/, 'a phone number'),
    template: z.string().optional(),
    content: z.unknown().optional(),
    /** A drill: marked everywhere, billed and reported apart (see README, "Exercises"). */
    exercise: z.boolean().optional(),
    totp: totpCode,
  })
  .strict()
  .refine((b) => Boolean(b.template) !== Boolean(b.content), 'give either a template or a content file');
export const deactivationBody = z.object({ totp: totpCode }).strict();

export interface CrisisView {
  slug: string;
  title: Record<string, string>;
  languages: string[];
  infoNumber: string;
  status: 'active' | 'inactive';
  exercise: boolean;
  authorityNis?: string;
  liveVersion: number;
  activatedAt: string;
  deactivatedAt?: string;
}

export interface CrisisRouteDeps {
  auth: Auth;
  live: LiveContent;
  desk: HandoffDesk;
  secondFactor: SecondFactor;
  templates: Map<string, CrisisTemplate>;
  logger: Logger;
}

const ACTIVATORS = ['authority'];

function slugFrom(title: Record<string, string | undefined>, now: Date): string {
  const base = (title.en ?? title.fr ?? title.nl ?? title.de ?? 'crisis')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base || 'crisis'}-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${now.getTime().toString(36).slice(-4)}`;
}

/**
 * Activation and deactivation of a crisis service by an authority (or an admin), each behind the
 * second factor (a code, or a sign-in with one a few minutes ago) and audited, and the list of crises a user may see.
 */
export function registerCrisisRoutes(server: Server, deps: CrisisRouteDeps): void {
  const { auth, live, desk, secondFactor, templates, logger } = deps;
  const route = (handler: Parameters<typeof jsonRoute>[0]) => jsonRoute(handler, logger, () => undefined);
  const actor = (caller: Caller) => ({ id: caller.user.id, roles: caller.user.roles });

  const view = async (slug: string): Promise<CrisisView | undefined> => {
    const crisis = await CrisisModel.findOne({ slug }).lean();
    if (!crisis) return undefined;
    const content = live.get(slug)?.content.crisis ?? live.ended(slug);
    return {
      slug,
      title: (content?.title ?? {}) as Record<string, string>,
      languages: crisis.languages,
      infoNumber: content?.infoNumber ?? '',
      status: crisis.status,
      exercise: Boolean(crisis.exercise),
      ...(crisis.authorityNis ? { authorityNis: crisis.authorityNis } : {}),
      liveVersion: crisis.liveVersion,
      activatedAt: crisis.activatedAt.toISOString(),
      ...(crisis.deactivatedAt ? { deactivatedAt: crisis.deactivatedAt.toISOString() } : {}),
    };
  };

  server.get(
    '/api/templates',
    route(async (req) => {
      await auth.requireRole(req, 'admin', 'authority', 'communicator');
      return {
        templates: [...templates.values()].map((t) => ({ id: t.id, title: t.content.crisis.title })),
      };
    }),
  );

  server.get(
    '/api/crises',
    route(async (req) => {
      const { user } = await auth.requireRole(req, 'admin', 'authority', 'communicator');
      const filter = user.roles.includes('admin') ? {} : { authorityNis: user.authorityNis ?? '-' };
      const crises = await CrisisModel.find(filter, { slug: 1 }).sort({ activatedAt: -1 }).lean();
      const views = await Promise.all(crises.map((c) => view(c.slug)));
      return { crises: views.filter(Boolean) };
    }),
  );

  server.post(
    '/api/crises',
    route(async (req, res) => {
      const caller = await auth.requireRole(req, 'admin', ...ACTIVATORS);
      const body = parseBody(activationBody, req);
      const admin = caller.user.roles.includes('admin');
      const nis = admin ? body.authorityNis : caller.user.authorityNis;
      if (!admin && body.authorityNis && body.authorityNis !== nis) {
        await audit(actor(caller), 'crisis.activate', `authority:${body.authorityNis}`, 'refused', {
          reason: 'another authority',
        });
        throw new HttpError(403, 'you can only activate a crisis for your own authority');
      }
      if (!nis) throw new HttpError(400, 'invalid request', ['authorityNis: required']);
      const authority = await AuthorityModel.findOne({ nisCode: nis }).lean();
      if (!authority)
        throw new HttpError(400, 'invalid request', [`authorityNis: no subscribed authority ${nis}`]);
      await secondFactor.requireForAct(caller, body.totp);

      const content = startingContent(body, templates, authority, new Date());
      if (await CrisisModel.exists({ slug: content.crisis.slug })) {
        throw new HttpError(409, `a crisis ${content.crisis.slug} exists already`);
      }
      await live.prepare(content);
      const { version } = await publishContent(content, {
        note: body.template ? `activation from template ${body.template}` : 'activation',
        createdBy: caller.user.username,
        exercise: body.exercise ?? false,
      });
      await live.refreshAfterWrite();
      await audit(actor(caller), 'crisis.activate', `crisis:${content.crisis.slug}`, 'allowed', {
        authorityNis: nis,
        version,
        exercise: body.exercise ?? false,
      });
      logger.info(
        {
          slug: content.crisis.slug,
          authorityNis: nis,
          by: caller.user.id,
          exercise: body.exercise ?? false,
        },
        'crisis activated',
      );
      res.status(201);
      return view(content.crisis.slug);
    }),
  );

  server.post(
    '/api/crises/:slug/deactivate',
    route(async (req: Request) => {
      const caller = await auth.caller(req);
      const crisis = await crisisFor(caller.user, String(req.params.slug), ACTIVATORS);
      const { totp } = parseBody(deactivationBody, req);
      await secondFactor.requireForAct(caller, totp);
      if (crisis.status !== 'active') throw new HttpError(409, 'this crisis service has already ended');
      const ended = live.get(crisis.slug)?.content.crisis;
      await CrisisModel.updateOne(
        { slug: crisis.slug },
        { $set: { status: 'inactive', deactivatedAt: new Date() } },
      );
      const closed = await desk.closeAllOf(crisis.slug, 'abandoned', (lang: string) => ({
        keys: ['crisisEnded'],
        values: {
          title: ended?.title[lang as keyof typeof ended.title] ?? '',
          infoNumber: ended?.infoNumber ?? '',
        },
      }));
      await live.refreshAfterWrite();
      await audit(actor(caller), 'crisis.deactivate', `crisis:${crisis.slug}`, 'allowed', {
        ticketsClosed: closed,
      });
      logger.info({ slug: crisis.slug, by: caller.user.id, ticketsClosed: closed }, 'crisis deactivated');
      return view(crisis.slug);
    }),
  );
}

/** The content a new crisis starts with: a template or a file, with the activation's own title, languages, number and authority. */
function startingContent(
  body: z.infer<typeof activationBody>,
  templates: Map<string, CrisisTemplate>,
  authority: { name: string; nisCode: string },
  now: Date,
): ContentFile {
  let base: unknown;
  if (body.template) {
    const template = templates.get(body.template);
    if (!template) throw new HttpError(400, 'invalid request', [`template: no template ${body.template}`]);
    base = template.content;
  } else {
    base = body.content;
  }
  const crisis = (base as { crisis?: Record<string, unknown> }).crisis ?? {};
  const candidate = {
    ...(base as object),
    crisis: {
      ...crisis,
      slug: body.slug ?? slugFrom(body.title, now),
      title: body.title,
      summary: body.summary ?? crisis.summary,
      languages: body.languages,
      infoNumber: body.infoNumber,
      authority: { name: authority.name, nis: authority.nisCode },
      updatedAt: now.toISOString(),
    },
  };
  const result = validateContent(candidate);
  if (!result.ok) throw new HttpError(400, 'invalid content', result.problems);
  return result.content;
}
