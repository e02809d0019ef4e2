import { randomUUID } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import pino from 'pino';
import { connectDatabase, disconnectDatabase } from '../../embedded';
import { freePort } from '../../scripts/freePort';

export { freePort };

export const silentLogger = pino({ level: 'silent' });

/** The checkout under test: its .cache holds the embedded database binary and the model's virtualenv. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The server globalSetup started (or MONGODB_URI), with `name` as the database. */
export function testDatabaseUri(name: string): string {
  const base = process.env.TEST_MONGODB_URI;
  if (!base)
    throw new Error('TEST_MONGODB_URI not set: run the tests through jest (globalSetup starts the database)');
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The port of the embedded model globalSetup started for the run. */
export function testModelPort(): string {
  const port = process.env.TEST_EMBEDDED_MODEL_PORT;
  if (!port)
    throw new Error(
      'TEST_EMBEDDED_MODEL_PORT not set: run the tests through jest (globalSetup starts the model)',
    );
  return port;
}

/**
 * Connects mongoose to a database of this test file's own, so test files running in parallel
 * never see each other's documents, and drops it at the end. Call at the top of a file or describe.
 */
export function useTestDatabase(): { uri: () => string } {
  let uri = '';
  beforeAll(async () => {
    uri = testDatabaseUri(`t_${randomUUID().replaceAll('-', '').slice(0, 12)}`);
    await connectDatabase(uri, silentLogger);
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await disconnectDatabase();
  });
  return { uri: () => uri };
}

/** Polls until check() holds; a failing test then reports what it waited for instead of a bare timeout. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
