import { z } from 'zod';

const generatedToken = z.looseObject({
  conversationId: z.string().min(1),
  token: z.string().min(1),
  expires_in: z.number().int().positive(),
});

/** Azure's answer was not a token: the page cannot start, and the operator must look. */
export class AzureTokenError extends Error {}

/**
 * Azure Bot Service's Direct Line, when the authority uses it instead of this bot's own endpoint:
 * the server trades the secret for a token of one new conversation, and only the token reaches the
 * browser.
 */
export class AzureDirectLine {
  /** What Web Chat's `domain` is set to. */
  readonly domain: string;

  constructor(
    private readonly secret: string,
    baseUrl: string,
  ) {
    this.domain = new URL('/v3/directline', baseUrl).toString();
  }

  /** The origins the chat page must be allowed to connect to (HTTPS, and the WebSocket stream). */
  get origins(): string[] {
    const url = new URL(this.domain);
    return [url.origin, `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`];
  }

  async generateToken(userId: string): Promise<{ conversationId: string; token: string; expiresIn: number }> {
    const res = await fetch(`${this.domain}/tokens/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: userId } }),
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => {
      throw new AzureTokenError(`Azure Direct Line unreachable: ${(error as Error).message}`);
    });
    if (!res.ok) throw new AzureTokenError(`Azure Direct Line answered ${res.status} to tokens/generate`);
    const parsed = generatedToken.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success)
      throw new AzureTokenError('Azure Direct Line answered tokens/generate without a token');
    const { conversationId, token, expires_in } = parsed.data;
    return { conversationId, token, expiresIn: expires_in };
  }
}
