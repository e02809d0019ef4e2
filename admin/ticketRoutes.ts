import type { Request, Server } from 'restify';
import { z } from 'zod';
import {
  AtCapacity,
  auditD2,
  canServe,
  queuePositions,
  TicketConflict,
  CitizenUnreachable,
  TicketNotFound,
  type HandoffDesk,
  type Staff,
  type Ticket,
} from '../handoff';
import type { UnansweredInbox } from '../inbox';
import { faqIdSchema, type Lang, type LiveContent } from '../knowledge';
import { LANGUAGES, TICKET_OUTCOMES, TICKET_QUEUES, writeAudit } from '../models';
import { staffOf, type Auth, type Caller } from './auth';
import { HttpError, jsonRoute, parseBody } from './http';
import { summarize, summaryOf, type TicketSummary } from './ticketViews';
import type { Logger } from 'pino';

export const MAX_OPERATOR_MESSAGE = 2000;
const MAX_SUGGESTIONS = 3;
const STAFF_ROLES = ['operator', 'd2-agent'];

export const messageBody = z.object({ text: z.string().trim().min(1).max(MAX_OPERATOR_MESSAGE) }).strict();
export const transferBody = z
  .object({ queue: z.enum(TICKET_QUEUES).optional(), lang: z.enum(LANGUAGES).optional() })
  .strict()
  .refine((b) => b.queue || b.lang, 'name a queue or a language');
export const closeBody = z.object({ outcome: z.enum(TICKET_OUTCOMES) }).strict();
/** A citizen's question of the ticket (the last one when left out), and the entry the operator answered with. */
export const faqQuestionBody = z
  .object({ messageId: z.string().min(1).max(100).optional(), faqId: faqIdSchema.optional() })
  .strict();

export interface TicketRouteDeps {
  auth: Auth;
  desk: HandoffDesk;
  live: LiveContent;
  logger: Logger;
  /** Where "add this question to the FAQ" puts a D5 citizen's question, for the communicators. */
  inbox: UnansweredInbox;
}

export function classifyTicketError(error: unknown): HttpError | undefined {
  if (error instanceof TicketNotFound) return new HttpError(404, 'no such ticket');
  if (error instanceof CitizenUnreachable) return new HttpError(502, error.message);
  if (error instanceof AtCapacity) return new HttpError(409, error.message);
  if (error instanceof TicketConflict) return new HttpError(409, error.message);
  return undefined;
}

/** What a member of staff may see of the queues: waiting tickets they may take, and their own. */
export async function queueFor(desk: HandoffDesk, caller: Caller): Promise<TicketSummary[]> {
  return queueOf(await desk.tickets.allOpen(), staffOf(caller.user));
}

/** As many waiting tickets as the queue lists. */
const WAITING_SHOWN = 200;

/**
 * The queue from one read of the open tickets (in queue order): the caller's own, oldest claim
 * first, then the waiting tickets they may take, with their places. One read serves both, and the
 * console's streams share it (on FerretDB every read of tickets by state decodes all of them).
 */
export function queueOf(open: Ticket[], staff: Staff): TicketSummary[] {
  const waiting = open
    .filter((t) => t.state === 'waiting' && canServe(staff, t.queue, t.lang))
    .slice(0, WAITING_SHOWN);
  const mine = open
    .filter((t) => t.state === 'assigned' && t.assignee?.id === staff.id)
    .sort((a, b) => (a.assignedAt?.getTime() ?? 0) - (b.assignedAt?.getTime() ?? 0));
  // The waiting list holds every waiting ticket of the caller's queues and languages, in queue
  // order: places follow from it rather than from one count per ticket.
  const positions = queuePositions(waiting);
  return [...mine, ...waiting].map((t) => summaryOf(t, positions.get(t.id)));
}

/**
 * The ticket routes of the operator console. A ticket outside the caller's queues and languages
 * answers 404 on every route, as one that does not exist; D2 tickets are audited either way.
 */
export function registerTicketRoutes(server: Server, deps: TicketRouteDeps): void {
  const { auth, desk, logger } = deps;
  const route = (handler: Parameters<typeof jsonRoute>[0]) => jsonRoute(handler, logger, classifyTicketError);
  const staffCaller = (req: Request) => auth.requireRole(req, ...STAFF_ROLES);

  /** Staff on a ticket route; anyone else signed in is refused, and audited if the ticket is D2. */
  const staffOnTicket = async (req: Request, action: string): Promise<Caller> => {
    const caller = await auth.caller(req);
    if (STAFF_ROLES.some((role) => caller.user.roles.includes(role))) return caller;
    const ticket = await desk.tickets.get(String(req.params.id)).catch(() => undefined);
    if (ticket?.queue === 'd2') {
      await auditD2({ id: caller.user.id, roles: caller.user.roles }, action, ticket.id, 'refused', {
        reason: 'role',
      });
    }
    throw new HttpError(403, `needs one of the roles: ${STAFF_ROLES.join(', ')}`);
  };

  const visible = async (caller: Caller, id: string, action: string): Promise<Ticket> => {
    const ticket = await desk.tickets.get(String(id));
    const actor = { id: caller.user.id, roles: caller.user.roles };
    if (!canServe(staffOf(caller.user), ticket.queue, ticket.lang)) {
      if (ticket.queue === 'd2')
        await auditD2(actor, action, ticket.id, 'refused', { reason: 'role or language' });
      throw new HttpError(404, 'no such ticket');
    }
    if (ticket.queue === 'd2') await auditD2(actor, action, ticket.id, 'allowed');
    return ticket;
  };

  /**
   * What staff do with an exercise's D5 tickets is audited, for its after-action report (D2
   * tickets are audited always). Real D5 tickets hold no personal data to audit access to.
   */
  const drilled = async <T extends Ticket>(caller: Caller, action: string, ticket: T): Promise<T> => {
    if (ticket.exercise && ticket.queue === 'd5') {
      await writeAudit(
        { id: caller.user.id, roles: caller.user.roles },
        action,
        `ticket:${ticket.id}`,
        'allowed',
        {
          crisis: ticket.crisisSlug,
        },
      );
    }
    return ticket;
  };

  const detail = async (caller: Caller, ticket: Ticket) => ({
    ...(await summarize(desk, ticket)),
    transcript: await desk.tickets.transcript(ticket.id),
    ...(ticket.queue === 'd2' && ticket.hasIntake ? { intake: await desk.tickets.intake(ticket.id) } : {}),
    ...(ticket.hasCallback ? { callbackPhone: await desk.tickets.callbackPhone(ticket.id) } : {}),
  });

  server.get(
    '/api/queues',
    route(async (req) => ({ tickets: await queueFor(desk, await staffCaller(req)) })),
  );

  server.post(
    '/api/tickets/claim-next',
    route(async (req) => {
      const caller = await staffCaller(req);
      const ticket = await desk.claimNext(staffOf(caller.user));
      if (!ticket) return undefined;
      await drilled(caller, 'ticket.claim', ticket);
      if (ticket.queue === 'd2')
        await auditD2(
          { id: caller.user.id, roles: caller.user.roles },
          'd2.ticket.claim',
          ticket.id,
          'allowed',
        );
      return detail(caller, ticket);
    }),
  );

  server.post(
    '/api/tickets/:id/claim',
    route(async (req) => {
      const caller = await staffOnTicket(req, 'd2.ticket.claim');
      const ticket = await visible(caller, req.params.id, 'd2.ticket.claim');
      return detail(
        caller,
        await drilled(caller, 'ticket.claim', await desk.claim(staffOf(caller.user), ticket.id)),
      );
    }),
  );

  server.get(
    '/api/tickets/:id',
    route(async (req) => {
      const caller = await staffOnTicket(req, 'd2.ticket.read');
      return detail(caller, await visible(caller, req.params.id, 'd2.ticket.read'));
    }),
  );

  server.post(
    '/api/tickets/:id/messages',
    route(async (req, res) => {
      const caller = await staffOnTicket(req, 'd2.ticket.reply');
      const ticket = await visible(caller, req.params.id, 'd2.ticket.reply');
      const { text } = parseBody(messageBody, req);
      const message = await desk.reply(staffOf(caller.user), ticket.id, text);
      await drilled(caller, 'ticket.reply', ticket);
      res.status(201);
      return message;
    }),
  );

  server.post(
    '/api/tickets/:id/typing',
    route(async (req) => {
      const caller = await staffOnTicket(req, 'd2.ticket.typing');
      const ticket = await visible(caller, req.params.id, 'd2.ticket.typing');
      await desk.typing(staffOf(caller.user), ticket.id);
      return undefined;
    }),
  );

  server.get(
    '/api/tickets/:id/suggestions',
    route(async (req) => {
      const caller = await staffOnTicket(req, 'd2.ticket.read');
      const ticket = await visible(caller, req.params.id, 'd2.ticket.read');
      const crisis = deps.live.get(ticket.crisisSlug);
      const query = typeof req.query?.q === 'string' && req.query.q.trim() ? req.query.q.trim() : undefined;
      const transcript = query ? [] : await desk.tickets.transcript(ticket.id);
      const question = query ?? transcript.filter((m) => m.from === 'citizen').at(-1)?.text;
      if (!crisis || !question) return { suggestions: [] };
      const lang = ticket.lang as Lang;
      const text = question.slice(0, MAX_OPERATOR_MESSAGE);
      // A D2 ticket's words are health data: they stay with the word search, never sent to a model.
      const vector = ticket.queue === 'd5' ? await deps.live.questionVector(text) : undefined;
      const outcome = crisis.retriever.search(text, lang, vector);
      const ids = [...new Set([outcome.best?.faqId, ...outcome.candidates.map((c) => c.faqId)])].filter(
        (id): id is string => Boolean(id),
      );
      return {
        suggestions: ids.slice(0, MAX_SUGGESTIONS).flatMap((id) => {
          const faq = crisis.retriever.getFaq(id, lang);
          return faq ? [{ faqId: id, question: faq.question, answer: faq.answer, lang: faq.lang }] : [];
        }),
      };
    }),
  );

  server.post(
    '/api/tickets/:id/faq-question',
    route(async (req, res) => {
      const caller = await staffOnTicket(req, 'd2.ticket.faq-question');
      const ticket = await visible(caller, req.params.id, 'd2.ticket.faq-question');
      const { messageId, faqId } = parseBody(faqQuestionBody, req);
      // A victim inquiry's words are health data: they never reach the communicators' inbox.
      if (ticket.queue !== 'd5')
        throw new HttpError(409, 'questions of D2 tickets never go to the FAQ inbox');
      const asked = (await desk.tickets.transcript(ticket.id)).filter((m) => m.from === 'citizen');
      const question = messageId ? asked.find((m) => m.id === messageId) : asked.at(-1);
      if (!question) {
        throw new HttpError(400, 'invalid request', [
          messageId ? `messageId: not a citizen message of this ticket` : 'the citizen asked nothing yet',
        ]);
      }
      const text = question.text.slice(0, MAX_OPERATOR_MESSAGE);
      const vector = await deps.live.questionVector(text);
      await deps.inbox.record({
        crisisSlug: ticket.crisisSlug,
        text,
        lang: ticket.lang,
        source: 'operator',
        ...(vector ? { vector } : {}),
        ...(faqId ? { closestFaqId: faqId } : {}),
      });
      res.status(201);
      return { collected: true };
    }),
  );

  server.post(
    '/api/tickets/:id/transfer',
    route(async (req) => {
      const caller = await staffOnTicket(req, 'd2.ticket.transfer');
      const ticket = await visible(caller, req.params.id, 'd2.ticket.transfer');
      const to = parseBody(transferBody, req);
      const next = await desk.transfer(staffOf(caller.user), ticket.id, to);
      await drilled(caller, 'ticket.transfer', ticket);
      return summarize(desk, next);
    }),
  );

  server.post(
    '/api/tickets/:id/close',
    route(async (req) => {
      const caller = await staffOnTicket(req, 'd2.ticket.close');
      const ticket = await visible(caller, req.params.id, 'd2.ticket.close');
      const { outcome } = parseBody(closeBody, req);
      return summarize(
        desk,
        await drilled(caller, 'ticket.close', await desk.close(staffOf(caller.user), ticket.id, outcome)),
      );
    }),
  );
}
