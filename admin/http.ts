import type { Request, Response } from 'restify';
import type { Logger } from 'pino';
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: string[],
    /** Fields the answer carries beside `error`, for a client to act on (e.g. `secondFactorRequired`). */
    readonly fields?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** 429: the attempt's budget is spent; `Retry-After` says when the window passes. */
export class TooManyAttempts extends HttpError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'too many failed attempts: try again later',
  ) {
    super(429, message);
  }
}

function parseInput<T>(schema: z.ZodType<T>, input: unknown, whole: string, error: string): T {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new HttpError(
      400,
      error,
      parsed.error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`),
    );
  }
  return parsed.data;
}

/** Reads a JSON body against a schema: 400 naming every problem, nothing done. */
export function parseBody<T>(schema: z.ZodType<T>, req: Request): T {
  return parseInput(schema, req.body, '(body)', 'invalid request');
}

/** Reads the query string against a schema, like parseBody; `error` says what was wrong in it. */
export function parseQuery<T>(schema: z.ZodType<T>, req: Request, error = 'invalid query'): T {
  return parseInput(schema, req.query, '(query)', error);
}

export type Handler = (req: Request, res: Response) => Promise<unknown>;

/**
 * Runs a handler and answers with what it returns (200 JSON, or 204 when undefined); errors
 * become their status with `{error}`, with `classify` mapping domain errors to statuses.
 */
export function jsonRoute(
  handler: Handler,
  logger: Logger,
  classify: (error: unknown) => HttpError | undefined,
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      const body = await handler(req, res);
      if (res.headersSent) return;
      if (body === undefined) res.send(204);
      else res.send(res.statusCode && res.statusCode !== 200 ? res.statusCode : 200, body);
    } catch (error) {
      const known = error instanceof HttpError ? error : classify(error);
      if (!known) logger.error({ err: error, url: req.url }, 'API request failed');
      const failure = known ?? new HttpError(500, 'internal error');
      if (res.headersSent) return;
      if (failure instanceof TooManyAttempts) res.header('Retry-After', String(failure.retryAfterSeconds));
      res.send(failure.status, {
        error: failure.message,
        ...(failure.details ? { details: failure.details } : {}),
        ...failure.fields,
      });
    }
  };
}

/**
 * The server-sent event streams of one route: each polls its `tick` until its client goes, and
 * `endAll` ends the live ones (at shutdown, so that the server can close).
 */
export class EventStreams {
  private readonly open = new Set<Response>();

  /** Opens the stream on `res` and sends the first tick; `tick` must not reject. */
  async run(res: Response, pollMs: number, tick: () => Promise<void>): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.open.add(res);
    const timer = setInterval(() => void tick(), pollMs);
    res.on('close', () => {
      clearInterval(timer);
      this.open.delete(res);
    });
    await tick();
  }

  endAll(): void {
    for (const res of this.open) res.end();
  }
}
