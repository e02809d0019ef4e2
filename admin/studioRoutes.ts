import type { Request, Response, Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  CONTENT_LIMITS,
  crisisSchema,
  detectLanguage,
  diffContent,
  DraftBusy,
  DraftConflict,
  DraftInvalid,
  DraftNotFound,
  Drafts,
  draftToContent,
  EntryExists,
  faqIdSchema,
  faqSchema,
  isEmptyDiff,
  publishContent,
  Retriever,
  storedContent,
  validateContent,
  type EntryTranslator,
  type ContentDiff,
  type ContentFile,
  type Draft,
  type LiveContent,
} from '../knowledge';
import type { InteractionLog } from '../accounting';
import { ContentVersionModel, CrisisModel, LANGUAGES, writeAudit as audit } from '../models';
import type { Auth, Caller } from './auth';
import { auditEntryCreated, auditEntryUpdated, changedFields, entryTarget } from './contentAudit';
import { crisisFor, type CrisisRef } from './crisisAccess';
import { HttpError, jsonRoute, parseBody, type Handler } from './http';

const EDITORS = ['communicator'];
const MAX_PREVIEW_TEXT = 2000;
const MAX_NOTE = 500;

const revision = z.number().int().min(0);
const note = z.string().trim().min(1).max(MAX_NOTE);

/** A new entry: a content file's entry, nothing else (revision, order and `missing` are the server's). */
export const createEntryBody = faqSchema;
/** The fields to save (each replaces that field), with the revision they were read at. */
export const updateEntryBody = faqSchema
  .omit({ id: true })
  .partial()
  .extend({ id: faqIdSchema.optional(), revision })
  .strict();
export const orderBody = z.object({ ids: z.array(faqIdSchema).max(CONTENT_LIMITS.faqs) }).strict();
export const crisisBody = crisisSchema
  .pick({ title: true, summary: true, infoNumber: true })
  .partial()
  .extend({ revision })
  .strict();
export const previewBody = z
  .object({ text: z.string().trim().min(1).max(MAX_PREVIEW_TEXT), lang: z.enum(LANGUAGES).optional() })
  .strict();
export const publishBody = z.object({ note }).strict();
export const rollbackBody = z.object({ note: note.optional() }).strict();
/** Languages of an entry (all that apply when left out), at the revision the entry was read. */
const languagesAtRevision = z
  .object({ revision, languages: z.array(z.enum(LANGUAGES)).min(1).max(LANGUAGES.length).optional() })
  .strict();
export const translateBody = languagesAtRevision;
export const approveBody = languagesAtRevision;

export interface StudioRouteDeps {
  auth: Auth;
  live: LiveContent;
  logger: Logger;
  /** Where the tokens of machine translations are logged for cost reports. */
  interactionLog: InteractionLog;
  /** Set when a language model is configured: drafts the missing languages of an entry. */
  translator?: EntryTranslator;
}

export interface VersionView {
  version: number;
  note: string;
  createdBy: string;
  createdAt: string;
  live: boolean;
}

/** What a version list and a version's page read of each stored version. */
const VERSION_FIELDS = { version: 1, note: 1, createdBy: 1, createdAt: 1 } as const;

function viewOfVersion(
  doc: { version: number; note?: string | null; createdBy?: string | null; createdAt: Date },
  liveVersion: number,
): VersionView {
  return {
    version: doc.version,
    note: doc.note ?? '',
    createdBy: doc.createdBy ?? '',
    createdAt: new Date(doc.createdAt).toISOString(),
    live: doc.version === liveVersion,
  };
}

function classifyStudioError(error: unknown): HttpError | undefined {
  if (error instanceof DraftNotFound) return new HttpError(404, error.message);
  if (error instanceof EntryExists) return new HttpError(409, error.message);
  if (error instanceof DraftBusy) return new HttpError(409, error.message);
  if (error instanceof DraftInvalid) return new HttpError(400, error.message, error.details);
  return undefined;
}

function entryIdOf(req: Request): string {
  const id = String(req.params.id);
  const parsed = faqIdSchema.safeParse(id);
  if (!parsed.success)
    throw new HttpError(400, 'invalid request', [`id: ${parsed.error.issues[0]!.message}`]);
  return id;
}

function versionOf(value: unknown, name: string): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,8}$/.test(value)) {
    throw new HttpError(400, 'invalid request', [`${name}: must be a version number (1, 2, …)`]);
  }
  return Number(value);
}

function revisionQuery(req: Request): number {
  const value: unknown = req.query?.revision;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) {
    throw new HttpError(400, 'invalid request', ['revision: required, the revision the entry was read at']);
  }
  return Number(value);
}

function diffSummary(diff: ContentDiff) {
  return {
    added: diff.added,
    removed: diff.removed,
    changed: diff.changed.map((c) => c.id),
    crisis: changedFields(diff.crisis),
    reordered: diff.reordered,
  };
}

/**
 * The content studio (docs/studio-api.md, "Studio"): communicators edit a draft of their
 * authority's crises entry by entry, preview what the bot would answer from it, and publish it as
 * a new immutable version; versions can be compared, exported and rolled back to. Every route goes
 * through `crisisFor` (admins everywhere, communicators on their authority's crises, 404 for
 * others); every change is audited with the fields and languages it touched.
 */
export function registerStudioRoutes(server: Server, deps: StudioRouteDeps): void {
  const { auth, live, logger, interactionLog, translator } = deps;
  const drafts = new Drafts();
  /** One retriever per crisis, rebuilt when the draft has been written since (its stamp grew). */
  const previews = new Map<string, { stamp: number; retriever: Retriever | undefined }>();

  const route = (handler: Handler) =>
    jsonRoute(
      async (req: Request, res: Response) => {
        try {
          return await handler(req, res);
        } catch (error) {
          if (!(error instanceof DraftConflict)) throw error;
          res.send(409, { error: error.message, current: error.current });
          return undefined;
        }
      },
      logger,
      classifyStudioError,
    );

  const studio = async (req: Request): Promise<{ caller: Caller; crisis: CrisisRef }> => {
    const caller = await auth.caller(req);
    const crisis = await crisisFor(caller.user, String(req.params.slug), EDITORS);
    return { caller, crisis };
  };
  const actor = (caller: Caller) => ({ id: caller.user.id, roles: caller.user.roles });
  const crisisTarget = (slug: string) => `crisis:${slug}`;

  const liveVersionOf = async (slug: string): Promise<number> => {
    const crisis = await CrisisModel.findOne({ slug }, { liveVersion: 1 }).lean();
    if (!crisis) throw new HttpError(404, 'no such crisis');
    return crisis.liveVersion;
  };

  /** The live content file, from this process's cache when it is current. */
  const liveFile = async (slug: string): Promise<{ version: number; content: ContentFile | undefined }> => {
    const version = await liveVersionOf(slug);
    const cached = live.get(slug);
    if (cached?.version === version) return { version, content: cached.content };
    return { version, content: await storedContent(slug, version) };
  };

  const versionFile = async (slug: string, version: number): Promise<ContentFile> => {
    const content = await storedContent(slug, version);
    if (!content) throw new HttpError(404, `no version ${version}`);
    return content;
  };

  const versionView = async (slug: string, version: number): Promise<VersionView> => {
    const [doc, liveVersion] = await Promise.all([
      ContentVersionModel.findOne({ crisisSlug: slug, version }, VERSION_FIELDS).lean(),
      liveVersionOf(slug),
    ]);
    if (!doc) throw new HttpError(404, `no version ${version}`);
    return viewOfVersion(doc, liveVersion);
  };

  const draftView = async (draft: Draft) => {
    const { version, content } = await liveFile(draft.slug);
    const changed = !content || !isEmptyDiff(diffContent(content, draftToContent(draft)));
    return {
      crisis: draft.crisis,
      entries: draft.entries,
      changed,
      liveVersion: version,
      machineTranslation: Boolean(translator),
    };
  };

  const refuseEnded = (crisis: CrisisRef) => {
    if (crisis.status !== 'active') {
      throw new HttpError(409, 'this crisis service has ended: nothing can be published for it');
    }
  };

  server.get(
    '/api/crises/:slug/draft',
    route(async (req) => {
      const { crisis } = await studio(req);
      return draftView(await drafts.load(crisis.slug));
    }),
  );

  server.post(
    '/api/crises/:slug/draft/entries',
    route(async (req, res) => {
      const { caller, crisis } = await studio(req);
      const faq = parseBody(createEntryBody, req);
      const entry = await drafts.createEntry(crisis.slug, faq, caller.user.username);
      await auditEntryCreated(actor(caller), crisis.slug, entry);
      res.status(201);
      return entry;
    }),
  );

  server.put(
    '/api/crises/:slug/draft/entries/:id',
    route(async (req) => {
      const { caller, crisis } = await studio(req);
      const id = entryIdOf(req);
      const { id: bodyId, revision: read, ...fields } = parseBody(updateEntryBody, req);
      if (bodyId !== undefined && bodyId !== id) {
        throw new HttpError(400, 'invalid request', [`id: must be ${id}, the entry of the URL`]);
      }
      const saved = await drafts.updateEntry(crisis.slug, id, fields, read, caller.user.username);
      await auditEntryUpdated(actor(caller), crisis.slug, saved);
      return saved.entry;
    }),
  );

  server.del(
    '/api/crises/:slug/draft/entries/:id',
    route(async (req) => {
      const { caller, crisis } = await studio(req);
      const id = entryIdOf(req);
      const read = revisionQuery(req);
      const deleted = await drafts.deleteEntry(crisis.slug, id, read, caller.user.username);
      await audit(actor(caller), 'content.entry.delete', entryTarget(crisis.slug, id), 'allowed', {
        revision: deleted.revision,
        category: deleted.category,
      });
      return undefined;
    }),
  );

  server.put(
    '/api/crises/:slug/draft/order',
    route(async (req) => {
      const { caller, crisis } = await studio(req);
      const { ids } = parseBody(orderBody, req);
      const entries = await drafts.reorder(crisis.slug, ids);
      await audit(actor(caller), 'content.order.update', crisisTarget(crisis.slug), 'allowed', {
        order: entries.map((e) => e.id),
      });
      return { entries };
    }),
  );

  server.put(
    '/api/crises/:slug/draft/crisis',
    route(async (req) => {
      const { caller, crisis } = await studio(req);
      const { revision: read, ...fields } = parseBody(crisisBody, req);
      const saved = await drafts.updateCrisis(crisis.slug, fields, read, caller.user.username);
      if (saved.changes.length > 0) {
        await audit(actor(caller), 'content.crisis.update', crisisTarget(crisis.slug), 'allowed', {
          revision: saved.crisis.revision,
          changed: changedFields(saved.changes),
        });
      }
      return saved.crisis;
    }),
  );

  server.post(
    '/api/crises/:slug/draft/entries/:id/translate',
    route(async (req) => {
      const { caller, crisis } = await studio(req);
      const id = entryIdOf(req);
      const body = parseBody(translateBody, req);
      if (!translator) {
        throw new HttpError(
          503,
          'no language model is configured (OPENAI_API_KEY or OPENAI_BASE_URL): translate the entry by hand',
        );
      }
      const draft = await drafts.load(crisis.slug);
      const entry = draft.entries.find((e) => e.id === id);
      if (!entry) throw new HttpError(404, `no entry ${id}`);
      if (entry.revision !== body.revision) {
        throw new DraftConflict('the entry was saved by someone else since you read it', entry);
      }
      const targets = body.languages ?? entry.missing;
      const present = targets.filter((lang) => !entry.missing.includes(lang));
      if (targets.length === 0 || present.length > 0) {
        throw new HttpError(
          400,
          'nothing to translate',
          targets.length === 0
            ? ['the entry has every language of the crisis']
            : present.map((lang) => `languages: ${lang} is not missing from the entry`),
        );
      }
      const from = draft.crisis.languages.find((lang) => !entry.missing.includes(lang));
      if (!from) {
        throw new HttpError(400, 'nothing to translate from', [
          'the entry has no language with both a question and an answer',
        ]);
      }
      const outcome = await translator.translate(
        { question: entry.question[from]!, answer: entry.answer[from]! },
        from,
        targets,
      );
      // Only calls that cost something: a timeout or an open circuit has no tokens to charge.
      if (outcome.usage.tokensIn + outcome.usage.tokensOut > 0) {
        interactionLog.record({
          crisisSlug: crisis.slug,
          conversationId: `studio:${caller.user.id}`,
          channelId: 'studio',
          direction: 'out',
          kind: 'translation',
          faqId: id,
          lang: from,
          tokensIn: outcome.usage.tokensIn,
          tokensOut: outcome.usage.tokensOut,
        });
      }
      if (!outcome.ok && outcome.failure === 'rejected') {
        throw new HttpError(
          502,
          'the language model gave an unusable translation; nothing saved',
          outcome.problems,
        );
      }
      if (!outcome.ok) {
        throw new HttpError(
          outcome.failure === 'malformed' ? 502 : 503,
          `the language model is not available (${outcome.failure}); nothing saved, try again later`,
        );
      }
      const saved = await drafts.addMachineDrafts(
        crisis.slug,
        id,
        outcome.texts,
        body.revision,
        caller.user.username,
      );
      await audit(actor(caller), 'content.entry.translate', entryTarget(crisis.slug, id), 'allowed', {
        revision: saved.revision,
        from,
        languages: targets,
      });
      return saved;
    }),
  );

  server.post(
    '/api/crises/:slug/draft/entries/:id/approve',
    route(async (req) => {
      const { caller, crisis } = await studio(req);
      const id = entryIdOf(req);
      const body = parseBody(approveBody, req);
      const { entry, approved } = await drafts.approveMachineDrafts(
        crisis.slug,
        id,
        body.languages,
        body.revision,
        caller.user.username,
      );
      if (approved.length > 0) {
        await audit(actor(caller), 'content.entry.approve', entryTarget(crisis.slug, id), 'allowed', {
          revision: entry.revision,
          languages: approved,
        });
      }
      return entry;
    }),
  );

  server.post(
    '/api/crises/:slug/preview',
    route(async (req) => {
      const { crisis } = await studio(req);
      const body = parseBody(previewBody, req);
      const draft = await drafts.load(crisis.slug);
      let cached = previews.get(crisis.slug);
      if (cached?.stamp !== draft.stamp) {
        const content = draftToContent(draft);
        // An entry without an answer in any language of the crisis cannot be answered from yet.
        const faqs = content.faqs.filter((faq) =>
          content.crisis.languages.some((l) => typeof faq.answer[l] === 'string'),
        );
        const preview = faqs.length > 0 ? { ...content, faqs } : undefined;
        const retriever = preview ? new Retriever(preview) : undefined;
        // The same retrieval as the bot's: by meaning too, once the draft's passages have vectors.
        const meaning = preview ? await live.prepare(preview) : undefined;
        if (retriever && meaning) retriever.useMeaning(meaning);
        cached = { stamp: draft.stamp, retriever };
        previews.set(crisis.slug, cached);
      }
      const lang = body.lang ?? detectLanguage(body.text, {});
      const retriever = cached.retriever;
      if (!retriever) return { lang, decision: 'none', candidates: [] };
      const outcome = retriever.search(body.text, lang, await live.questionVector(body.text));
      const best = outcome.best;
      return {
        lang,
        decision: outcome.decision,
        ...(best ? { faqId: best.faqId, confidence: best.confidence } : {}),
        ...(best && outcome.decision === 'answer'
          ? { answer: retriever.getFaq(best.faqId, lang)?.answer }
          : {}),
        candidates: outcome.candidates.map((c) => ({
          faqId: c.faqId,
          question: retriever.getFaq(c.faqId, lang)?.question ?? '',
          confidence: c.confidence,
        })),
      };
    }),
  );

  server.post(
    '/api/crises/:slug/publish',
    route(async (req, res) => {
      const { caller, crisis } = await studio(req);
      const body = parseBody(publishBody, req);
      refuseEnded(crisis);
      const draft = await drafts.load(crisis.slug);
      const unapproved = draft.entries.filter((entry) => entry.machineDraft.length > 0);
      if (unapproved.length > 0) {
        throw new HttpError(
          409,
          'the draft holds machine translations no communicator has approved',
          unapproved.map((e) => `${e.id}: machine translation not approved (${e.machineDraft.join(', ')})`),
        );
      }
      const result = validateContent(draftToContent(draft));
      if (!result.ok) throw new HttpError(400, 'the draft cannot be published', result.problems);
      const before = await liveFile(crisis.slug);
      await live.prepare(result.content);
      const { version } = await publishContent(result.content, {
        note: body.note,
        createdBy: caller.user.username,
      });
      // This process serves the new version at once (the others within their refresh period).
      await live.refreshAfterWrite();
      await audit(actor(caller), 'content.publish', crisisTarget(crisis.slug), 'allowed', {
        version,
        note: body.note,
        ...diffSummary(diffContent(before.content, result.content)),
      });
      logger.info({ slug: crisis.slug, version, by: caller.user.id }, 'content published');
      res.status(201);
      return versionView(crisis.slug, version);
    }),
  );

  server.get(
    '/api/crises/:slug/versions',
    route(async (req) => {
      const { crisis } = await studio(req);
      const [docs, liveVersion] = await Promise.all([
        ContentVersionModel.find({ crisisSlug: crisis.slug }, VERSION_FIELDS).sort({ version: -1 }).lean(),
        liveVersionOf(crisis.slug),
      ]);
      return { versions: docs.map((doc) => viewOfVersion(doc, liveVersion)) };
    }),
  );

  server.get(
    '/api/crises/:slug/versions/:v',
    route(async (req) => {
      const { crisis } = await studio(req);
      return versionFile(crisis.slug, versionOf(req.params.v, 'v'));
    }),
  );

  server.get(
    '/api/crises/:slug/versions/:v/diff',
    route(async (req) => {
      const { crisis } = await studio(req);
      const to = versionOf(req.params.v, 'v');
      const given: unknown = req.query?.against;
      const from = given === undefined ? to - 1 : versionOf(given, 'against');
      const after = await versionFile(crisis.slug, to);
      // The first version compares with nothing: everything in it was added.
      const before = from === 0 ? undefined : await versionFile(crisis.slug, from);
      return { from, to, ...diffContent(before, after) };
    }),
  );

  server.post(
    '/api/crises/:slug/versions/:v/rollback',
    route(async (req, res) => {
      const { caller, crisis } = await studio(req);
      const from = versionOf(req.params.v, 'v');
      const body = parseBody(rollbackBody, req);
      refuseEnded(crisis);
      const result = validateContent(await versionFile(crisis.slug, from));
      if (!result.ok) {
        throw new HttpError(400, `version ${from} does not pass today's content rules`, result.problems);
      }
      const rollbackNote = body.note ?? `rollback to v${from}`;
      await live.prepare(result.content);
      const { version } = await publishContent(result.content, {
        note: rollbackNote,
        createdBy: caller.user.username,
      });
      // This process serves the new version at once (the others within their refresh period).
      await live.refreshAfterWrite();
      await drafts.replace(crisis.slug, result.content, caller.user.username);
      await audit(actor(caller), 'content.rollback', crisisTarget(crisis.slug), 'allowed', {
        version,
        to: from,
        note: rollbackNote,
      });
      logger.info({ slug: crisis.slug, version, to: from, by: caller.user.id }, 'content rolled back');
      res.status(201);
      return versionView(crisis.slug, version);
    }),
  );

  server.get(
    '/api/crises/:slug/export',
    route(async (req, res) => {
      const { crisis } = await studio(req);
      const given: unknown = req.query?.version;
      const version = given === undefined ? await liveVersionOf(crisis.slug) : versionOf(given, 'version');
      const content = await versionFile(crisis.slug, version);
      res.header('content-disposition', `attachment; filename="${crisis.slug}-v${version}.json"`);
      return content;
    }),
  );

  server.post(
    '/api/crises/:slug/import',
    route(async (req) => {
      const { caller, crisis } = await studio(req);
      const raw: unknown = req.body;
      const result = validateContent(raw);
      const problems = result.ok ? [] : [...result.problems];
      const file = raw as { crisis?: { slug?: unknown; authority?: { nis?: unknown } } } | undefined;
      if (result.ok && file?.crisis?.slug !== crisis.slug) {
        problems.push(`crisis.slug: must be "${crisis.slug}", the crisis being edited`);
      }
      if (result.ok && crisis.authorityNis && file?.crisis?.authority?.nis !== crisis.authorityNis) {
        problems.push(`crisis.authority.nis: must be "${crisis.authorityNis}", the crisis's authority`);
      }
      if (!result.ok || problems.length > 0) throw new HttpError(400, 'invalid content file', problems);
      const before = await drafts.load(crisis.slug);
      const draft = await drafts.replace(crisis.slug, result.content, caller.user.username);
      await audit(actor(caller), 'content.import', crisisTarget(crisis.slug), 'allowed', {
        entries: draft.entries.length,
        ...diffSummary(diffContent(draftToContent(before), draftToContent(draft))),
      });
      return { ...(await draftView(draft)), warnings: result.warnings };
    }),
  );
}
