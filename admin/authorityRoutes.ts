import type { Server } from 'restify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AuthorityModel, isDuplicateKey, LANGUAGES, type AuthorityDoc, writeAudit as audit } from '../models';
import type { Auth } from './auth';
import { HttpError, jsonRoute, parseBody } from './http';

const contact = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.string().trim().max(200).optional(),
    email: z.email().optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9][0-9 ./()-]{2,29}$/, 'a phone number')
      .optional(),
  })
  .strict();
const authorityFields = {
  name: z.string().trim().min(1).max(200),
  languages: z.array(z.enum(LANGUAGES)).min(1),
  contacts: z.array(contact).max(20).default([]),
};
export const newAuthorityBody = z
  .object({ nisCode: z.string().regex(/^\d{5}$/, 'a 5-digit NIS code'), ...authorityFields })
  .strict();
export const authorityBody = z.object(authorityFields).strict();

function toAuthority(doc: AuthorityDoc) {
  return {
    nisCode: doc.nisCode,
    name: doc.name,
    languages: doc.languages,
    contacts: doc.contacts.map(({ name, role, email, phone }) => ({ name, role, email, phone })),
  };
}

/** The registry of subscribed authorities: admins manage it; others see their own authority. */
export function registerAuthorityRoutes(server: Server, deps: { auth: Auth; logger: Logger }): void {
  const { auth, logger } = deps;
  const route = (handler: Parameters<typeof jsonRoute>[0]) =>
    jsonRoute(handler, logger, (error) =>
      isDuplicateKey(error) ? new HttpError(409, 'an authority with this NIS code exists') : undefined,
    );

  server.get(
    '/api/authorities',
    route(async (req) => {
      const { user } = await auth.caller(req);
      const filter = user.roles.includes('admin') ? {} : { nisCode: user.authorityNis ?? '-' };
      const docs = await AuthorityModel.find(filter).sort({ name: 1 }).lean<AuthorityDoc[]>();
      return { authorities: docs.map(toAuthority) };
    }),
  );

  server.post(
    '/api/authorities',
    route(async (req, res) => {
      const caller = await auth.requireRole(req, 'admin');
      const body = parseBody(newAuthorityBody, req);
      const doc = await AuthorityModel.create(body);
      await audit(caller.user, 'authority.create', `authority:${body.nisCode}`, 'allowed');
      res.status(201);
      return toAuthority(doc.toObject() as AuthorityDoc);
    }),
  );

  server.put(
    '/api/authorities/:nisCode',
    route(async (req) => {
      const caller = await auth.requireRole(req, 'admin');
      const body = parseBody(authorityBody, req);
      const nisCode = String(req.params.nisCode);
      const doc = await AuthorityModel.findOneAndUpdate(
        { nisCode },
        { $set: body },
        { new: true },
      ).lean<AuthorityDoc>();
      if (!doc) throw new HttpError(404, 'no such authority');
      await audit(caller.user, 'authority.update', `authority:${nisCode}`, 'allowed', {
        fields: Object.keys(body),
      });
      return toAuthority(doc);
    }),
  );
}
