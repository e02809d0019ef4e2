import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Logger } from 'pino';
// Registers every schema on the default connection, so connectDatabase can build all their indexes.
import '../models';
import { runToEnd, startServiceProcess } from './childProcess';

export interface EmbeddedDb {
  uri: string;
  /** False when another process already served the port: then stop() leaves it running. */
  startedByUs: boolean;
  /** The FerretDB process we started, if any. */
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedDbOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Project root, holding scripts/build-ferretdb.sh and .cache/bin. */
  rootDir: string;
  /**
   * Run FerretDB in its own process group (default), so Ctrl-C on the terminal reaches only this
   * process, which then writes what it still holds and stops the database last. Test runs pass
   * false: there the database should die with an interrupted run rather than outlive it.
   */
  ownProcessGroup?: boolean;
}

const READY_TIMEOUT_MS = 30_000;

function acceptsConnections(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', timeout: timeoutMs });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Whether a MongoDB-compatible server answers `ping` on the port right now. */
export async function answersPing(port: number, timeoutMs = 1000): Promise<boolean> {
  // A closed port is refused at once, whereas the driver would retry until its timeout.
  if (!(await acceptsConnections(port, timeoutMs))) return false;
  // The driver that ships inside mongoose, so the project needs no direct `mongodb` dependency.
  const client = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${port}/`, {
    directConnection: true,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function buildFerretDb(rootDir: string, logger: Logger): Promise<void> {
  logger.info('FerretDB binary missing: building it once (takes minutes on the first run)');
  const { code, output } = await runToEnd('bash', [path.join(rootDir, 'scripts', 'build-ferretdb.sh')], {
    cwd: rootDir,
  });
  if (code === 0) return;
  if (code === 3)
    throw new Error('cannot start the embedded database: no Go toolchain: install Go or set MONGODB_URI');
  throw new Error(`cannot build FerretDB (scripts/build-ferretdb.sh exited with ${code}):\n${output}`);
}

/**
 * Starts FerretDB (SQLite backend) on 127.0.0.1:port, or reuses whatever MongoDB-compatible server
 * already answers there: several bot processes on one machine then share one embedded database.
 */
export async function startEmbeddedDb(opts: EmbeddedDbOptions): Promise<EmbeddedDb> {
  const { dataDir, port, logger } = opts;
  const uri = `mongodb://127.0.0.1:${port}/crisis`;
  if (await answersPing(port)) {
    logger.info({ port }, 'reusing the database already listening');
    return { uri, startedByUs: false, pid: undefined, stop: async () => undefined };
  }

  const { rootDir } = opts;
  const bin = path.join(rootDir, '.cache', 'bin', 'ferretdb');
  if (!fs.existsSync(bin)) await buildFerretDb(rootDir, logger);
  fs.mkdirSync(dataDir, { recursive: true });

  const ferretDb = await startServiceProcess({
    name: 'FerretDB',
    command: bin,
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--telemetry=disable',
      `--state-dir=${dataDir}`,
      '--log-level=warn',
      // "-" turns the metrics/pprof listener off; its fixed default port would collide between instances.
      '--debug-addr=-',
    ],
    answers: () => answersPing(port, 500),
    readiness: `answer ping on port ${port}`,
    readyTimeoutMs: READY_TIMEOUT_MS,
    ownProcessGroup: opts.ownProcessGroup,
    logger,
  });
  logger.info({ port, dataDir, ferretdbPid: ferretDb.pid }, 'embedded database started');
  return { uri, startedByUs: true, pid: ferretDb.pid, stop: () => ferretDb.stop() };
}

/** The URI without its password, for logs. */
function redact(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

/**
 * Connects the default mongoose connection and makes sure every model's collection and indexes
 * exist before the caller goes on (unique indexes are what keep imports and claims correct).
 */
export async function connectDatabase(
  uri: string,
  logger: Logger,
  options: mongoose.ConnectOptions = {},
): Promise<typeof mongoose> {
  await mongoose.connect(uri, {
    serverSelectionTimeoutMS: 10_000,
    // After an outage the connection counts as up again only at the next heartbeat; the driver's
    // 10 s default would keep /healthz at 503 and writers waiting that long after the database is back.
    heartbeatFrequencyMS: 2000,
    autoIndex: true,
    ...options,
  });
  // init() resolves once autoCreate/autoIndex have finished for that model (and rejects if they failed).
  await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).init()));
  logger.info({ uri: redact(uri), models: mongoose.modelNames().length }, 'database connected');
  return mongoose;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
