import type { Logger } from 'pino';

/**
 * What the embedded database (FerretDB 1.24.2, SQLite) was measured to carry with `npm run bench
 * -- --stored N` on a 2-core machine: README, "Scale and the embedded database".
 */
export const EMBEDDED_ENVELOPE = {
  storedConversations: 20_000,
  pacedP95Ms: 300,
  webChatConversations: 5_000,
} as const;

/** Production on the embedded database: say, once at start-up, how far it was measured to go. */
export function warnEmbeddedEnvelope(logger: Logger): void {
  logger.warn(
    { envelope: EMBEDDED_ENVELOPE },
    `embedded database in production: measured up to ${EMBEDDED_ENVELOPE.storedConversations.toLocaleString('en')} ` +
      `conversations stored at a reply p95 of ${EMBEDDED_ENVELOPE.pacedP95Ms} ms on 2 cores, one bot process; ` +
      'beyond that, or with several bot processes, set MONGODB_URI to a MongoDB server',
  );
}
