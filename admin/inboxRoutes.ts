import type { Request, Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { GROUP_THRESHOLD, type UnansweredInbox, type UnansweredMessage } from '../inbox';
import {
  DraftConflict,
  DraftNotFound,
  Drafts,
  faqIdSchema,
  faqSchema,
  type DraftEntry,
  type FieldChange,
  type Lang,
} from '../knowledge';
import { LANGUAGES, writeAudit as audit } from '../models';
import type { Auth, Caller } from './auth';
import { auditEntryCreated, auditEntryUpdated } from './contentAudit';
import { crisisFor, type CrisisRef } from './crisisAccess';
import { HttpError, jsonRoute, parseBody, type Handler } from './http';
import { updateEntryBody } from './studioRoutes';

const READERS = ['communicator'];
const MAX_CHOSEN = 20;
/** Attaching reads the entry's current revision and writes it: a concurrent edit makes it read again. */
const ATTACH_ATTEMPTS = 3;

const messageId = z.string().uuid();
export const attachBody = z
  .object({ faqId: faqIdSchema, messageIds: z.array(messageId).min(1).max(MAX_CHOSEN) })
  .strict();
/** A new entry, as the studio's: the group's phrasings are what the communicator prefilled it with. */
export const groupEntryBody = faqSchema;

export interface InboxRouteDeps {
  auth: Auth;
  inbox: UnansweredInbox;
  logger: Logger;
}

const groupIdOf = (req: Request): string => {
  const parsed = messageId.safeParse(String(req.params.id));
  if (!parsed.success) throw new HttpError(400, 'invalid request', ['id: must be a group id']);
  return parsed.data;
};

/** The chosen messages' texts as alternatives of an entry, each in its language, none twice. */
function withPhrasings(entry: DraftEntry, chosen: UnansweredMessage[]): Partial<Record<Lang, string[]>> {
  const alternatives: Partial<Record<Lang, string[]>> = { ...entry.alternatives };
  for (const message of chosen) {
    const lang = message.lang as Lang;
    const known = [entry.question[lang], ...(alternatives[lang] ?? [])].map((t) => t?.toLocaleLowerCase());
    if (known.includes(message.text.toLocaleLowerCase())) continue;
    alternatives[lang] = [...(alternatives[lang] ?? []), message.text];
  }
  return alternatives;
}

/**
 * The inbox of what the bot could not answer (docs/studio-api.md, "Unanswered"): communicators
 * of the crisis's authority and admins read its groups and teach the draft from them; anyone
 * else gets 403 or 404 as on the studio. Every read and every attempt is in the audit log, with
 * counts and ids, never texts.
 */
export function registerInboxRoutes(server: Server, deps: InboxRouteDeps): void {
  const { auth, inbox, logger } = deps;
  const drafts = new Drafts();
  const route = (handler: Handler) =>
    jsonRoute(handler, logger, (error) =>
      error instanceof DraftNotFound ? new HttpError(404, error.message) : undefined,
    );
  const actor = (caller: Caller) => ({ id: caller.user.id, roles: caller.user.roles });
  const target = (slug: string) => `crisis:${slug}/unanswered`;

  /** The caller and crisis; a refusal is audited by `crisisFor`, like the studio's. */
  const access = async (req: Request): Promise<{ caller: Caller; crisis: CrisisRef }> => {
    const caller = await auth.caller(req);
    return { caller, crisis: await crisisFor(caller.user, String(req.params.slug), READERS) };
  };

  const groupOf = async (crisis: CrisisRef, id: string) => {
    const found = await inbox.group(crisis.slug, id);
    if (!found) throw new HttpError(404, 'no such group: it was dismissed, taught or has expired');
    return found;
  };

  server.get(
    '/api/crises/:slug/unanswered',
    route(async (req) => {
      const { caller, crisis } = await access(req);
      const groups = await inbox.groups(crisis.slug);
      await audit(actor(caller), 'unanswered.read', target(crisis.slug), 'allowed', {
        groups: groups.length,
        messages: groups.reduce((sum, g) => sum + g.count, 0),
      });
      return { threshold: GROUP_THRESHOLD, groups };
    }),
  );

  server.get(
    '/api/crises/:slug/unanswered/groups/:id',
    route(async (req) => {
      const { caller, crisis } = await access(req);
      const { view, members } = await groupOf(crisis, groupIdOf(req));
      await audit(actor(caller), 'unanswered.read', target(crisis.slug), 'allowed', {
        group: view.id,
        messages: members.length,
      });
      return {
        group: view,
        messages: members.map((m) => ({
          id: m.id,
          lang: m.lang,
          source: m.source,
          text: m.text,
          at: m.at.toISOString(),
        })),
      };
    }),
  );

  server.post(
    '/api/crises/:slug/unanswered/groups/:id/attach',
    route(async (req) => {
      const { caller, crisis } = await access(req);
      const id = groupIdOf(req);
      const body = parseBody(attachBody, req);
      const { view, members } = await groupOf(crisis, id);
      const chosen = body.messageIds.map((mid) => members.find((m) => m.id === mid));
      const strangers = body.messageIds.filter((_, i) => !chosen[i]);
      if (strangers.length > 0) {
        throw new HttpError(
          400,
          'invalid request',
          strangers.map((mid) => `messageIds: ${mid} is not a message of this group`),
        );
      }
      const phrasings = chosen.filter((m): m is UnansweredMessage => m !== undefined);
      let saved: { entry: DraftEntry; changes: FieldChange[] } | undefined;
      for (let attempt = 1; !saved; attempt++) {
        const entry = (await drafts.load(crisis.slug)).entries.find((e) => e.id === body.faqId);
        if (!entry) throw new HttpError(404, `no entry ${body.faqId}`);
        const fields = updateEntryBody.safeParse({
          alternatives: withPhrasings(entry, phrasings),
          revision: entry.revision,
        });
        if (!fields.success) {
          throw new HttpError(
            400,
            'these phrasings cannot be added to the entry',
            fields.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
          );
        }
        try {
          saved = await drafts.updateEntry(
            crisis.slug,
            entry.id,
            { alternatives: fields.data.alternatives },
            entry.revision,
            caller.user.username,
          );
        } catch (error) {
          if (!(error instanceof DraftConflict) || attempt >= ATTACH_ATTEMPTS) throw error;
        }
      }
      await inbox.close(
        crisis.slug,
        members.map((m) => m.id),
        'taught',
      );
      const languages = LANGUAGES.filter((l) => phrasings.some((m) => m.lang === l));
      await audit(actor(caller), 'unanswered.attach', target(crisis.slug), 'allowed', {
        group: view.id,
        entry: body.faqId,
        phrasings: phrasings.length,
        languages,
      });
      await auditEntryUpdated(actor(caller), crisis.slug, saved);
      return saved.entry;
    }),
  );

  server.post(
    '/api/crises/:slug/unanswered/groups/:id/entry',
    route(async (req, res) => {
      const { caller, crisis } = await access(req);
      const { view, members } = await groupOf(crisis, groupIdOf(req));
      const faq = parseBody(groupEntryBody, req);
      const entry = await drafts.createEntry(crisis.slug, faq, caller.user.username);
      await inbox.close(
        crisis.slug,
        members.map((m) => m.id),
        'taught',
      );
      await audit(actor(caller), 'unanswered.entry', target(crisis.slug), 'allowed', {
        group: view.id,
        entry: entry.id,
      });
      await auditEntryCreated(actor(caller), crisis.slug, entry);
      res.status(201);
      return entry;
    }),
  );

  server.post(
    '/api/crises/:slug/unanswered/groups/:id/dismiss',
    route(async (req) => {
      const { caller, crisis } = await access(req);
      const { view, members } = await groupOf(crisis, groupIdOf(req));
      const dismissed = await inbox.close(
        crisis.slug,
        members.map((m) => m.id),
        'dismissed',
      );
      await audit(actor(caller), 'unanswered.dismiss', target(crisis.slug), 'allowed', {
        group: view.id,
        messages: dismissed,
      });
      return { dismissed };
    }),
  );
}
