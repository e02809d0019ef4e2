import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../bot/config';
import { startEmbeddedDb, startEmbeddedModels } from '../../embedded';
import { prewarmTriageClassifier } from '../triage/testModel';
import { freePort, PROJECT_ROOT } from './db';

const MODEL_PROCESSES = loadConfig({}).EMBEDDED_MODEL_PROCESSES;

export interface TestServicesState {
  dir: string | undefined;
  stop(): Promise<void>;
}

declare global {
  // Jest hands globals set in globalSetup to globalTeardown, and only there.
  var __TEST_SERVICES__: TestServicesState | undefined;
}

/**
 * One FerretDB (unless MONGODB_URI names a server) and one embedded model for the whole run, each
 * on free ports, and the D2 classifier in the project's cache; workers are forked after this and
 * find them through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const logger = pino({ level: 'warn' });
  // The first run on a machine makes the model's virtualenv (a minute or two); later runs reuse it.
  // As many servers as a bot runs by default, so that the bots the tests start use these.
  const model = await startEmbeddedModels({
    rootDir: PROJECT_ROOT,
    port: await freePort(MODEL_PROCESSES),
    processes: MODEL_PROCESSES,
    threads: 1,
    logger,
    ownProcessGroup: false,
  });
  process.env.TEST_EMBEDDED_MODEL_PORT = new URL(model.urls[0]!).port;
  // Once, before any worker: otherwise every bot a test starts on a fresh clone fits the D2
  // classifier itself (some 1,700 texts through the one model), all at the same time.
  await prewarmTriageClassifier();

  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    globalThis.__TEST_SERVICES__ = { dir: undefined, stop: () => model.stop() };
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-test-db-'));
  const port = await freePort();
  const db = await startEmbeddedDb({
    dataDir: dir,
    port,
    logger,
    rootDir: PROJECT_ROOT,
    ownProcessGroup: false,
  });
  process.env.TEST_MONGODB_URI = `mongodb://127.0.0.1:${port}`;
  globalThis.__TEST_SERVICES__ = {
    dir,
    stop: async () => {
      await Promise.all([db.stop(), model.stop()]);
    },
  };
}
