import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { slugSchema, type LiveContent } from '../knowledge';
import { AzureTokenError, type AzureDirectLine } from './azureDirectLine';
import type { ConversationStarts } from './conversationStarts';
import { TooManyStarts, type DirectLine, type NewConversation } from './directLine';

export interface WebChatPageDeps {
  live: LiveContent;
  directLine: DirectLine;
  /** Set when the page talks to Azure's Direct Line instead of the bot's own endpoint. */
  azure?: AzureDirectLine;
  starts: ConversationStarts;
  logger: Logger;
}

const tokenBody = z.strictObject({ crisis: slugSchema.optional() });
const configQuery = z.looseObject({ crisis: slugSchema.optional() });

/**
 * The chat page's policy: Web Chat injects its styles at run time (style-src 'unsafe-inline', on
 * this page only), connects to the Direct Line it is given, and the page may be embedded.
 */
export function chatPageSecurityPolicy(frameAncestors: string, azure?: AzureDirectLine): string {
  const connect = ["'self'", ...(azure?.origins ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    `frame-ancestors ${frameAncestors}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function problem(res: Response, status: number, error: string, details?: string[]): void {
  res.send(status, { error, ...(details ? { details } : {}) });
}

const problemsOf = (issues: { path: PropertyKey[]; message: string }[]) =>
  issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`);

/**
 * What the chat page asks the server: the crisis it was opened for (title, info number,
 * languages), and a Direct Line token for a new conversation, from this bot's own endpoint or
 * traded for Azure's secret, which never leaves the server.
 */
export function registerWebChatPage(server: Server, deps: WebChatPageDeps): void {
  server.get('/chat/config', async (req: Request, res: Response) => {
    const query = configQuery.safeParse(req.query ?? {});
    if (!query.success) return problem(res, 400, 'invalid query', problemsOf(query.error.issues));
    const active = deps.live.activeReal();
    const crisis = query.data.crisis
      ? deps.live.get(query.data.crisis)
      : active.length === 1
        ? active[0]
        : undefined;
    const about = crisis?.content.crisis;
    res.send(200, {
      crisis: about
        ? {
            slug: crisis.slug,
            title: about.title,
            infoNumber: about.infoNumber,
            languages: about.languages,
            ...(deps.live.isExercise(crisis.slug) ? { exercise: true } : {}),
          }
        : null,
    });
  });

  server.post('/chat/token', async (req: Request, res: Response) => {
    const body = tokenBody.safeParse(req.body ?? {});
    if (!body.success) return problem(res, 400, 'invalid request', problemsOf(body.error.issues));
    const address = req.socket.remoteAddress ?? 'unknown';
    try {
      const started = deps.azure
        ? await azureConversation(deps.azure, deps.starts, address)
        : await deps.directLine.newConversation(address, body.data.crisis);
      res.send(200, started);
    } catch (error) {
      if (error instanceof TooManyStarts) {
        res.header('retry-after', String(error.retryAfterSeconds));
        return problem(res, 429, error.message);
      }
      if (error instanceof AzureTokenError) {
        deps.logger.error({ err: error }, 'no Direct Line token from Azure');
        return problem(res, 502, 'the chat service is unavailable');
      }
      throw error;
    }
  });
}

async function azureConversation(
  azure: AzureDirectLine,
  starts: ConversationStarts,
  address: string,
): Promise<NewConversation & { domain: string }> {
  const wait = await starts.take(address);
  if (wait > 0) throw new TooManyStarts(wait);
  const userId = `dl_${randomBytes(12).toString('base64url')}`;
  return { ...(await azure.generateToken(userId)), userId, domain: azure.domain };
}
