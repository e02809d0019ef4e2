import type { Server } from 'restify';
import { z } from 'zod';
import { loginBody, newUserBody, passwordBody, passwordResetBody, presenceBody } from './accountRoutes';
import { enrolBody, totpBody } from './secondFactorRoutes';
import { authorityBody, newAuthorityBody } from './authorityRoutes';
import { activationBody, deactivationBody } from './crisisRoutes';
import {
  approveBody,
  createEntryBody,
  crisisBody,
  orderBody,
  previewBody,
  publishBody,
  rollbackBody,
  translateBody,
  updateEntryBody,
} from './studioRoutes';
import { closeBody, faqQuestionBody, messageBody, transferBody } from './ticketRoutes';
import { attachBody, groupEntryBody } from './inboxRoutes';
import { issueBody, tariffBody } from './reportRoutes';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  /** As registered with restify (`/api/tickets/:id`). */
  path: string;
  summary: string;
  /** Roles allowed; empty for routes open to anyone signed in, 'public' for none needed. */
  roles: string[] | 'public';
  /** The zod schema the route parses its body with: the document shows that same schema. */
  body?: z.ZodType;
  responses: Record<number, string>;
}

const STAFF = ['operator', 'd2-agent'];
const ticketErrors = {
  401: 'not signed in',
  403: 'not operator or D2 staff',
  404: 'no such ticket, or not yours to see',
};

/** Every route of the REST API. An /api route missing here stops start-up (see registerApiDocs). */
export const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/tariffs',
    summary: 'Every tariff version (default and per-authority overrides)',
    roles: ['admin'],
    responses: { 200: '{tariffs: TariffVersion[]}' },
  },
  {
    method: 'post',
    path: '/api/tariffs',
    summary: 'Add a tariff version (versions are never changed)',
    roles: ['admin'],
    body: tariffBody,
    responses: { 201: 'TariffVersion', 400: 'invalid (every problem listed)' },
  },
  ...(['activation/:slug', 'authority/:nis'] as const).flatMap((subject): Operation[] => [
    {
      method: 'get',
      path: `/api/reports/${subject}`,
      summary: `Cost report of an ${subject.split('/')[0]}${subject.startsWith('authority') ? ' over ?from=&to= (ISO, whole hours)' : ''}`,
      roles: ['admin', 'authority'],
      responses: { 200: 'Report', 400: 'invalid period', 404: 'unknown, or not your authority' },
    },
    {
      method: 'get',
      path: `/api/reports/${subject}/csv`,
      summary: `The same report as CSV`,
      roles: ['admin', 'authority'],
      responses: { 200: 'text/csv', 400: 'invalid period', 404: 'unknown, or not your authority' },
    },
  ]),
  {
    method: 'get',
    path: '/api/reports/exercise/:slug',
    summary: "After-action report of an exercise (timeline, shares, waits, D2 claims, staff's actions)",
    roles: ['admin', 'authority'],
    responses: { 200: 'AfterActionReport', 404: 'no such exercise, or not your authority' },
  },
  {
    method: 'get',
    path: '/api/reports/exercise/:slug/csv',
    summary: 'The same after-action report as CSV',
    roles: ['admin', 'authority'],
    responses: { 200: 'text/csv', 404: 'no such exercise, or not your authority' },
  },
  {
    method: 'post',
    path: '/api/reports/issued',
    summary: 'Issue a report: its figures and prices are kept as they are now',
    roles: ['admin', 'authority'],
    body: issueBody,
    responses: { 201: 'IssuedReport', 400: 'invalid', 404: 'unknown, or not your authority' },
  },
  {
    method: 'get',
    path: '/api/reports/issued',
    summary: 'Issued reports (admins: all; authority users: their own)',
    roles: ['admin', 'authority'],
    responses: { 200: '{reports}' },
  },
  {
    method: 'get',
    path: '/api/reports/issued/:id',
    summary: 'An issued report',
    roles: ['admin', 'authority'],
    responses: { 200: 'IssuedReport', 404: 'unknown, or not your authority' },
  },
  {
    method: 'get',
    path: '/api/reports/issued/:id/csv',
    summary: 'An issued report as CSV',
    roles: ['admin', 'authority'],
    responses: { 200: 'text/csv', 404: 'unknown, or not your authority' },
  },
  {
    method: 'post',
    path: '/api/auth/login',
    summary:
      'Sign in: the password, and `totp` (a code of the authenticator app) for an account with a second factor enrolled',
    roles: 'public',
    body: loginBody,
    responses: {
      200: '{token, expiresAt, user}: user.secondFactorFreshUntil when the sign-in proved the second factor',
      401: 'wrong username or password; or {error, secondFactorRequired: true}: the code is missing, wrong or already used (no session)',
      429: 'too many failed sign-ins or wrong codes (Retry-After)',
    },
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out',
    roles: 'public',
    responses: { 204: 'session ended' },
  },
  {
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in user',
    roles: [],
    responses: {
      200: 'User, with secondFactorFreshUntil while opening or ending a service needs no new code',
      401: 'not signed in',
    },
  },
  {
    method: 'put',
    path: '/api/me/presence',
    summary: 'Set presence',
    roles: [],
    body: presenceBody,
    responses: { 200: 'User' },
  },
  {
    method: 'put',
    path: '/api/me/password',
    summary: 'Change your password (other sessions end)',
    roles: [],
    body: passwordBody,
    responses: { 204: 'changed', 400: 'new password too short', 403: 'current password wrong' },
  },
  {
    method: 'post',
    path: '/api/me/totp',
    summary:
      'Start enrolling a TOTP second factor: your password, and a code of the current factor if you have one',
    roles: [],
    body: enrolBody,
    responses: {
      200: '{secret, otpauthUri}: pending until confirmed; the current factor stays required meanwhile',
      401: 'wrong or reused code of the current factor',
      403: 'wrong password, or the current code missing',
      429: 'too many wrong passwords or codes (Retry-After)',
    },
  },
  {
    method: 'post',
    path: '/api/me/totp/verify',
    summary: 'Confirm the pending second factor with a first code of it',
    roles: [],
    body: totpBody,
    responses: {
      204: 'enrolled',
      400: 'wrong code, or nothing pending',
      429: 'too many wrong codes (Retry-After)',
    },
  },
  {
    method: 'get',
    path: '/api/me/totp/events',
    summary: 'Your second factor history: every enrolment, confirmation and reset, allowed or refused',
    roles: [],
    responses: { 200: "{events: [{at, action, outcome, by: 'you' | 'administrator'}]}" },
  },
  {
    method: 'post',
    path: '/api/users/:id/totp/reset',
    summary: "Remove a user's second factor (audited; the user sees it in their history)",
    roles: ['admin'],
    responses: { 204: 'removed', 404: 'no such user' },
  },
  {
    method: 'get',
    path: '/api/users',
    summary: 'List users, disabled ones too, with their last sign-in (never a password hash or secret)',
    roles: ['admin'],
    responses: { 200: '{users: User[]}' },
  },
  {
    method: 'post',
    path: '/api/users',
    summary: 'Create a user',
    roles: ['admin'],
    body: newUserBody,
    responses: { 201: 'User', 400: 'invalid', 409: 'username taken' },
  },
  {
    method: 'put',
    path: '/api/users/:id/password',
    summary: "Set a user's password (an administrator's reset; ends the user's sessions)",
    roles: ['admin'],
    body: passwordResetBody,
    responses: { 204: 'set', 400: 'invalid', 404: 'no such user' },
  },
  {
    method: 'post',
    path: '/api/users/:id/disable',
    summary: 'Disable an account: it can no longer sign in and its sessions end',
    roles: ['admin'],
    responses: { 200: 'User', 404: 'no such user', 409: 'your own account' },
  },
  {
    method: 'post',
    path: '/api/users/:id/enable',
    summary: 'Enable a disabled account again',
    roles: ['admin'],
    responses: { 200: 'User', 404: 'no such user' },
  },
  {
    method: 'get',
    path: '/api/audit',
    summary:
      'Audit log, newest first, filtered by ?actor= (user id) &action= &target= &outcome= &from= &to= (ISO) &limit=',
    roles: ['admin'],
    responses: { 200: '{entries, more, actions}', 400: 'invalid filter' },
  },
  {
    method: 'get',
    path: '/api/authorities',
    summary: 'Subscribed authorities (admins: all; others: their own)',
    roles: [],
    responses: { 200: '{authorities}' },
  },
  {
    method: 'post',
    path: '/api/authorities',
    summary: 'Register an authority',
    roles: ['admin'],
    body: newAuthorityBody,
    responses: { 201: 'Authority', 409: 'NIS code taken' },
  },
  {
    method: 'put',
    path: '/api/authorities/:nisCode',
    summary: 'Update an authority',
    roles: ['admin'],
    body: authorityBody,
    responses: { 200: 'Authority', 404: 'no such authority' },
  },
  {
    method: 'get',
    path: '/api/templates',
    summary: 'Generic crisis templates',
    roles: ['admin', 'authority', 'communicator'],
    responses: { 200: '{templates}' },
  },
  {
    method: 'get',
    path: '/api/crises',
    summary: 'Crises the caller may see',
    roles: ['admin', 'authority', 'communicator'],
    responses: { 200: '{crises}' },
  },
  {
    method: 'post',
    path: '/api/crises',
    summary:
      'Activate a crisis service (second factor: `totp`, or none within SECOND_FACTOR_FRESH_MINUTES of a sign-in with a code)',
    roles: ['admin', 'authority'],
    body: activationBody,
    responses: {
      201: 'Crisis',
      401: '{error, secondFactorRequired: true}: code missing (session not fresh), wrong or already used',
      403: 'not your authority',
      409: 'slug taken',
    },
  },
  {
    method: 'post',
    path: '/api/crises/:slug/deactivate',
    summary: 'End a crisis service (second factor, as for activation)',
    roles: ['admin', 'authority'],
    body: deactivationBody,
    responses: {
      200: 'Crisis',
      401: '{error, secondFactorRequired: true}: code missing (session not fresh), wrong or already used',
      404: 'no such crisis',
      409: 'already ended',
    },
  },
  {
    method: 'get',
    path: '/api/queues',
    summary: 'Waiting tickets the caller may take, and their own',
    roles: STAFF,
    responses: { 200: '{tickets}', 403: 'not staff' },
  },
  {
    method: 'get',
    path: '/api/events',
    summary: 'Server-sent events: queue, message, ticket',
    roles: STAFF,
    responses: { 200: 'text/event-stream' },
  },
  {
    method: 'get',
    path: '/api/operations',
    summary:
      'Operations figures (?crisis=slug or all, the real crises together): conversations, messages, replies, queues, staffing advice, D2 tickets, charts',
    roles: ['supervisor', 'admin', 'authority'],
    responses: {
      200: '{crises, exercises, figures}',
      403: 'not a supervisor, admin or authority user',
      404: 'no such crisis',
    },
  },
  {
    method: 'get',
    path: '/api/operations/events',
    summary: 'Server-sent events: figures (?crisis=slug or all), at every new read',
    roles: ['supervisor', 'admin', 'authority'],
    responses: {
      200: 'text/event-stream',
      403: 'not a supervisor, admin or authority user',
      404: 'no such crisis',
    },
  },
  {
    method: 'post',
    path: '/api/tickets/claim-next',
    summary: 'Claim the next ticket',
    roles: STAFF,
    responses: { 200: 'TicketDetail', 204: 'nothing waiting', 409: 'at capacity' },
  },
  {
    method: 'post',
    path: '/api/tickets/:id/claim',
    summary: 'Claim a chosen ticket',
    roles: STAFF,
    responses: { 200: 'TicketDetail', 409: 'taken or at capacity', ...ticketErrors },
  },
  {
    method: 'get',
    path: '/api/tickets/:id',
    summary: 'A ticket with its transcript (and intake, for D2 staff)',
    roles: STAFF,
    responses: { 200: 'TicketDetail', ...ticketErrors },
  },
  {
    method: 'post',
    path: '/api/tickets/:id/messages',
    summary: 'Reply to the citizen',
    roles: STAFF,
    body: messageBody,
    responses: {
      201: 'Message',
      409: 'not your ticket',
      502: 'the channel did not take it (e.g. WhatsApp window closed); not recorded',
      ...ticketErrors,
    },
  },
  {
    method: 'post',
    path: '/api/tickets/:id/typing',
    summary: 'Show the citizen a typing indicator',
    roles: STAFF,
    responses: { 204: 'sent', ...ticketErrors },
  },
  {
    method: 'get',
    path: '/api/tickets/:id/suggestions',
    summary: 'FAQ answers for the last citizen message or ?q=',
    roles: STAFF,
    responses: { 200: '{suggestions}', ...ticketErrors },
  },
  {
    method: 'post',
    path: '/api/tickets/:id/faq-question',
    summary: "Add the citizen's question (?messageId, else the last) to the crisis's unanswered inbox",
    roles: STAFF,
    body: faqQuestionBody,
    responses: {
      201: '{collected: true}',
      400: 'no such citizen message',
      409: 'a D2 ticket: its words never go to the inbox',
      ...ticketErrors,
    },
  },
  {
    method: 'post',
    path: '/api/tickets/:id/transfer',
    summary: 'Transfer to another queue or language',
    roles: STAFF,
    body: transferBody,
    responses: { 200: 'TicketSummary', ...ticketErrors },
  },
  {
    method: 'post',
    path: '/api/tickets/:id/close',
    summary: 'Close with an outcome',
    roles: STAFF,
    body: closeBody,
    responses: { 200: 'TicketSummary', ...ticketErrors },
  },
  ...studioOperations(),
  {
    method: 'get',
    path: '/api/docs',
    summary: 'This OpenAPI description',
    roles: 'public',
    responses: { 200: 'OpenAPI 3.1 document' },
  },
];

/** The content studio's routes (docs/studio-api.md); communicators of the crisis's authority and admins. */
function studioOperations(): Operation[] {
  const roles = ['admin', 'communicator'];
  const errors = {
    401: 'not signed in',
    403: 'not a communicator',
    404: 'no such crisis, or not your authority',
  };
  const op = (
    method: Operation['method'],
    path: string,
    summary: string,
    responses: Record<number, string>,
    body?: z.ZodType,
  ): Operation => ({
    method,
    path: `/api/crises/:slug${path}`,
    summary,
    roles,
    ...(body ? { body } : {}),
    responses: { ...responses, ...errors },
  });
  return [
    op('get', '/draft', 'The draft of the crisis content', { 200: '{crisis, entries, changed}' }),
    op('post', '/draft/entries', 'Add an entry', { 201: 'Entry', 409: 'id taken' }, createEntryBody),
    op(
      'put',
      '/draft/entries/:id',
      'Save an entry at the revision it was read',
      {
        200: 'Entry',
        409: 'saved by someone else since',
      },
      updateEntryBody,
    ),
    op('delete', '/draft/entries/:id', 'Delete an entry (?revision=)', {
      204: 'deleted',
      409: 'saved by someone else since',
    }),
    op(
      'post',
      '/draft/entries/:id/translate',
      'Machine-draft the missing languages of an entry (they must be approved before publishing)',
      {
        200: 'Entry',
        400: 'nothing to translate',
        409: 'saved by someone else since',
        502: 'the model gave an unusable translation',
        503: 'no language model configured, or it is not available',
      },
      translateBody,
    ),
    op(
      'post',
      '/draft/entries/:id/approve',
      'Approve machine-drafted languages of an entry as they are',
      { 200: 'Entry', 409: 'saved by someone else since' },
      approveBody,
    ),
    op('put', '/draft/order', 'Reorder the entries', { 200: '{entries}' }, orderBody),
    op(
      'put',
      '/draft/crisis',
      'Save title, summary, info number',
      {
        200: 'crisis fields',
        409: 'saved by someone else since',
      },
      crisisBody,
    ),
    op(
      'post',
      '/preview',
      'What the bot would answer with the draft',
      {
        200: '{lang, decision, faqId, confidence, answer, candidates}',
      },
      previewBody,
    ),
    op(
      'post',
      '/publish',
      'Publish the draft as a new version',
      {
        201: 'Version',
        400: 'draft invalid',
        409: 'machine translations not approved, or the service ended',
      },
      publishBody,
    ),
    op('get', '/versions', 'Version history', { 200: '{versions}' }),
    op('get', '/versions/:v', 'A version as a content file', { 200: 'content file' }),
    op('get', '/versions/:v/diff', 'Changes from version ?against= (default v-1)', {
      200: '{added, removed, changed}',
    }),
    op('post', '/versions/:v/rollback', 'Publish an old version again', { 201: 'Version' }, rollbackBody),
    op('get', '/export', 'The live (or ?version=) content file', { 200: 'content file' }),
    op('get', '/unanswered', 'Unanswered questions grouped by meaning, largest then newest first (audited)', {
      200: '{threshold, groups: Group[]}',
    }),
    op('get', '/unanswered/groups/:id', 'One group with all its (masked) messages (audited)', {
      200: '{group, messages}',
      404: 'no such group (dismissed, taught or expired)',
    }),
    op(
      'post',
      '/unanswered/groups/:id/attach',
      'Add chosen messages of a group as alternatives of a draft entry (each in its language); the group leaves the inbox',
      {
        200: 'Entry',
        400: 'not messages of the group, or too many alternatives',
        404: 'no such group or entry',
      },
      attachBody,
    ),
    op(
      'post',
      '/unanswered/groups/:id/entry',
      'Add a new draft entry written from a group; the group leaves the inbox',
      { 201: 'Entry', 404: 'no such group', 409: 'id taken' },
      groupEntryBody,
    ),
    op('post', '/unanswered/groups/:id/dismiss', 'Take a group out of the inbox', {
      200: '{dismissed}',
      404: 'no such group',
    }),
    op('post', '/import', 'Replace the draft with a content file', {
      200: 'draft',
      400: 'problems by JSON path',
    }),
  ];
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

/** The OpenAPI 3.1 document of the operations, request bodies generated from their zod schemas. */
export function openApiDocument(operations: Operation[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const params = [...op.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    (paths[openApiPath(op.path)] ??= {})[op.method] = {
      summary: op.summary,
      description:
        op.roles === 'public'
          ? 'No session needed.'
          : op.roles.length === 0
            ? 'Any signed-in user.'
            : `Roles: ${op.roles.join(', ')}.`,
      ...(op.roles === 'public' ? { security: [] } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' }),
                },
              },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([code, text]) => [code, { description: text }]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'crisis-contact-bot API', version: '1' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'ccb_session' },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}

/**
 * Serves the document at /api/docs. Call it after every route is registered: an /api route the
 * document does not describe stops start-up, so the description cannot drift from the code.
 */
export function registerApiDocs(server: Server, operations: Operation[]): void {
  const document = openApiDocument(operations);
  server.get('/api/docs', (_req, res, next) => {
    res.send(200, document);
    next();
  });
  const documented = new Set(operations.map((op) => `${op.method.toUpperCase()} ${op.path}`));
  const registered = Object.values(
    server.router.getRoutes() as unknown as Record<string, { method: string; path: string }>,
  );
  const missing = registered
    .filter((r) => String(r.path).startsWith('/api/') && r.path !== '/api/messages')
    .map((r) => `${r.method} ${r.path}`)
    .filter((route) => !documented.has(route));
  if (missing.length > 0)
    throw new Error(`API routes missing from the OpenAPI description: ${missing.join(', ')}`);
}
