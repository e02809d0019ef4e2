import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'crisis-contact-bot/directline';
const ALGORITHM = 'HS256';
/** A streamUrl must be opened this soon after it is handed out (as Azure's): it travels in a URL. */
const STREAM_SECONDS = 60;

/** Who a Direct Line token speaks for: one citizen in one conversation, started from one entry link. */
export interface ConversationGrant {
  conversationId: string;
  userId: string;
  /** The crisis of the entry link (`?crisis=slug`), for the welcome. */
  crisis?: string;
  /** When the conversation began (epoch seconds): no token of it outlives its maximum age. */
  since: number;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

export type TokenCheck =
  | { ok: true; grant: ConversationGrant; /** The token's own id (`jti`). */ tokenId: string }
  | { ok: false; reason: 'expired' | 'invalid' };

type Purpose = 'conversation' | 'stream';

/**
 * Signed Direct Line tokens (HS256 JWTs): each is good for one conversation and expires. Refreshing
 * issues a new one for the same grant. Every process derives the same key, so any process checks
 * a token another issued.
 */
export class DirectLineTokens {
  constructor(
    private readonly key: Uint8Array,
    private readonly lifetimeSeconds: number,
    /**
     * How long a conversation may go on, refreshes included. Its activities are deleted after that
     * long, so a conversation outliving them would start its sequence (and watermarks) again.
     */
    private readonly maxConversationSeconds: number,
  ) {}

  issue(grant: ConversationGrant): Promise<IssuedToken> {
    return this.sign(grant, 'conversation', this.lifetimeSeconds);
  }

  check(token: string): Promise<TokenCheck> {
    return this.verify(token, 'conversation');
  }

  /** The short-lived credential in a streamUrl (the stream accepts it once: see DirectLine). */
  async issueStream(grant: ConversationGrant): Promise<string> {
    return (await this.sign(grant, 'stream', STREAM_SECONDS)).token;
  }

  checkStream(token: string): Promise<TokenCheck> {
    return this.verify(token, 'stream');
  }

  private async sign(grant: ConversationGrant, purpose: Purpose, lifetime: number): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    const seconds = Math.max(0, Math.min(lifetime, grant.since + this.maxConversationSeconds - now));
    const token = await new SignJWT({
      conv: grant.conversationId,
      // Where Web Chat and DirectLineJS read the citizen's id from, so the page never chooses one.
      user: grant.userId,
      purpose,
      since: grant.since,
      ...(grant.crisis ? { crisis: grant.crisis } : {}),
    })
      .setProtectedHeader({ alg: ALGORITHM })
      .setIssuer(ISSUER)
      .setSubject(grant.userId)
      .setJti(randomBytes(12).toString('base64url'))
      .setIssuedAt(now)
      .setExpirationTime(now + seconds)
      .sign(this.key);
    return { token, expiresIn: seconds };
  }

  private async verify(token: string, purpose: Purpose): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: [ALGORITHM] });
      const { conv, crisis, sub, since, jti } = payload;
      if (
        payload.purpose !== purpose ||
        // Stream credentials are used once, by id; conversation tokens of before ids existed stay good.
        (purpose === 'stream' && typeof jti !== 'string') ||
        typeof conv !== 'string' ||
        typeof sub !== 'string' ||
        typeof since !== 'number'
      ) {
        return { ok: false, reason: 'invalid' };
      }
      return {
        ok: true,
        tokenId: typeof jti === 'string' ? jti : '',
        grant: {
          conversationId: conv,
          userId: sub,
          since,
          ...(typeof crisis === 'string' ? { crisis } : {}),
        },
      };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      return { ok: false, reason: 'invalid' };
    }
  }
}
