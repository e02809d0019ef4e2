import type { Logger } from 'pino';

/**
 * What the embedded database (FerretDB 1.24.2, SQLite) was measured to carry with `npm run bench
 * -- --stored N` and `-- --webchat N` on a 2-core machine shared with other work: README, "Scale
 * and the embedded database".
 */
export const EMBEDDED_ENVELOPE = {
  storedConversations: 20_000,
  pacedP95Ms: 47,
  webChatConversations: 5_000,
  webChatFirstReplyP95Ms: 335,
} as const;

/** Production on the embedded database: say, once at start-up, how far it was measured to go. */
export function warnEmbeddedEnvelope(logger: Logger): void {
  const e = EMBEDDED_ENVELOPE;
  logger.warn(
    { envelope: e },
    `embedded database in production: measured with ${e.storedConversations.toLocaleString('en')} ` +
      `conversations stored (replies p95 ${e.pacedP95Ms} ms) and ${e.webChatConversations.toLocaleString('en')} ` +
      `web chats (first reply p95 ${e.webChatFirstReplyP95Ms} ms), one bot process on 2 cores; for more, ` +
      'for several bot processes, or for tens of thousands of tickets, set MONGODB_URI to a MongoDB server',
  );
}
