import { backOff } from 'exponential-backoff';
import type { Logger } from 'pino';
import type { GraphMessage } from './whatsappMessages';

export interface GraphSettings {
  /** `https://graph.facebook.com`, or a stand-in in tests. */
  baseUrl: string;
  /** `v23.0` */
  version: string;
  phoneNumberId: string;
  accessToken: string;
  logger: Logger;
  /** Attempts in all for one message; waits double from `firstRetryMs`, with jitter. */
  attempts?: number;
  firstRetryMs?: number;
}

const TIMEOUT_MS = 10_000;

/** Graph refused the message, or kept failing: `status` 0 when it could not be reached. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }

  /** Overload (429) and server errors pass; a refused request (4xx) would be refused again. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Sends messages through the WhatsApp Business Cloud API, retrying what may pass a moment later. */
export class WhatsAppGraph {
  private readonly url: string;

  constructor(private readonly settings: GraphSettings) {
    const base = settings.baseUrl.replace(/\/+$/, '');
    this.url = `${base}/${settings.version}/${encodeURIComponent(settings.phoneNumberId)}/messages`;
  }

  /** Answers the message id (`wamid.…`) WhatsApp gave it. */
  async send(message: GraphMessage): Promise<string> {
    return backOff(() => this.post(message), {
      numOfAttempts: this.settings.attempts ?? 4,
      startingDelay: this.settings.firstRetryMs ?? 500,
      jitter: 'full',
      retry: (error: unknown, next: number) => {
        const retry = error instanceof GraphError && error.transient;
        if (retry) this.settings.logger.warn({ err: error, attempt: next }, 'WhatsApp send failed; retrying');
        return retry;
      },
    });
  }

  private async post(message: GraphMessage): Promise<string> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.settings.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new GraphError(0, `Graph API unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => undefined)) as
      { messages?: { id?: string }[]; error?: { message?: string; code?: number } } | undefined;
    if (!response.ok) {
      const why = body?.error ? `${body.error.code ?? ''} ${body.error.message ?? ''}`.trim() : 'no details';
      throw new GraphError(response.status, `Graph API answered ${response.status}: ${why}`);
    }
    return body?.messages?.[0]?.id ?? '';
  }
}
