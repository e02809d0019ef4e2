import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedDb } from '../../scripts/embeddedDb';
import { freePort } from './db';

export interface TestDatabaseState {
  pid: number | undefined;
  dir: string;
  stop(): Promise<void>;
}

declare global {
  // Jest hands globals set in globalSetup to globalTeardown, and only there.
  var __TEST_DATABASE__: TestDatabaseState | undefined;
}

/** One FerretDB for the whole run, on a free port and a fresh directory; MONGODB_URI replaces it. */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-test-db-'));
  const port = await freePort();
  const db = await startEmbeddedDb({
    dataDir: dir,
    port,
    logger: pino({ level: 'warn' }),
    ownProcessGroup: false,
  });
  // Workers are forked after this and inherit the environment.
  process.env.TEST_MONGODB_URI = `mongodb://127.0.0.1:${port}`;
  globalThis.__TEST_DATABASE__ = { pid: db.pid, dir, stop: db.stop };
}
