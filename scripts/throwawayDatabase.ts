import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { projectRoot } from '../bot/paths';
import { connectDatabase, disconnectDatabase, startEmbeddedDb, type EmbeddedDb } from '../embedded';
import { freePort } from './freePort';

export interface ThrowawayDatabaseOptions {
  /** Prefixes the temporary folder's name, so that a leftover says which script left it. */
  name: string;
  logger: Logger;
  /**
   * A server to fill instead (a benchmark's MONGODB_URI): then nothing is started or removed.
   * Unset for a script whose jobs delete data, so that it can never run on another database.
   */
  uri?: string;
}

/**
 * Runs `use` with mongoose connected to a database of its own: a fresh embedded one on a free
 * port, in a temporary folder, stopped and removed afterwards whatever `use` did.
 */
export async function withThrowawayDatabase<T>(
  options: ThrowawayDatabaseOptions,
  use: () => Promise<T>,
): Promise<T> {
  const { name, logger, uri } = options;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `crisis-${name}-`));
  let db: EmbeddedDb | undefined;
  try {
    if (!uri) db = await startEmbeddedDb({ dataDir, port: await freePort(), logger, rootDir: projectRoot() });
    await connectDatabase(uri ?? db!.uri, logger);
    return await use();
  } finally {
    await disconnectDatabase();
    await db?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
