/**
 * Runs the embedded database in the foreground, for developers who want to look at the data
 * (mongosh, Compass) or share one database between several `npm start`s:
 *   node --import tsx scripts/db.ts      (DATA_DIR, EMBEDDED_DB_PORT as for the bot)
 */
import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../bot/paths';
import { startEmbeddedDb } from '../embedded';

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const dataDir = path.resolve(process.env.DATA_DIR ?? 'data');
  const port = Number(process.env.EMBEDDED_DB_PORT ?? 27018);
  const db = await startEmbeddedDb({ dataDir, port, logger, rootDir: projectRoot() });
  if (!db.startedByUs) {
    logger.info({ uri: db.uri }, 'a database already answers on this port; nothing to do');
    return;
  }
  logger.info({ uri: db.uri, dataDir }, 'embedded database running; Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await db.stop();
  logger.info('embedded database stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
