import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';

const STOP_TIMEOUT_MS = 10_000;
const TAIL_CHARS = 4000;
const POLL_MS = 100;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the last characters of a child's output: enough to explain a failure, bounded however chatty it is. */
export function tailOf(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.trim();
}

/** Runs a command to its end; resolves its exit code (null when it could not run) and the tail of its output. */
export async function runToEnd(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; output: string }> {
  // process.env is passed explicitly so that a caller's changes to it (tests) reach the command.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = tailOf(child);
  let spawnError: Error | undefined;
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      resolve(null);
    });
    child.once('close', (exitCode) => resolve(exitCode));
  });
  return { code, output: spawnError ? spawnError.message : tail() };
}

export interface ServiceProcessOptions {
  /** How logs and errors name it: "FerretDB", "the embedded model". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Whether it answers now; polled until it does. */
  answers: () => Promise<boolean>;
  /** What it failed to do in time, for the error: "answer ping on port 27018". */
  readiness: string;
  readyTimeoutMs: number;
  /**
   * Its own process group (default), so Ctrl-C on the terminal reaches only the parent, which
   * then stops it last. Test runs pass false: there it should die with an interrupted run.
   */
  ownProcessGroup?: boolean;
  logger: Logger;
}

export interface ServiceProcess {
  pid: number | undefined;
  /** Resolves when the process has ended, whether stopped or not. */
  exited: Promise<void>;
  /** SIGTERM, then SIGKILL if it is still running after 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts a loopback server process and resolves once it answers; rejects with its own last words
 * when it exits first or does not answer within the deadline (it is killed then). Killed as well
 * when this process exits without stopping it, since in its own process group it would outlive us.
 */
export async function startServiceProcess(opts: ServiceProcessOptions): Promise<ServiceProcess> {
  const { name, logger } = opts;
  const child = spawn(opts.command, opts.args, {
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.ownProcessGroup ?? true,
  });
  const tail = tailOf(child);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let ready = false;
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (ready && !stopping) logger.error({ code, signal, output: tail() }, `${name} exited unexpectedly`);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  const deadline = Date.now() + opts.readyTimeoutMs;
  for (;;) {
    if (spawnError) {
      process.off('exit', killOnExit);
      throw new Error(`cannot run ${opts.command}: ${spawnError.message}`);
    }
    if (gone()) {
      process.off('exit', killOnExit);
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail()}`);
    }
    // A probe may itself take a while: an answer counts only if it came within the deadline.
    const answered = await opts.answers();
    if (answered && Date.now() <= deadline) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      process.off('exit', killOnExit);
      throw new Error(`${name} did not ${opts.readiness} within ${opts.readyTimeoutMs} ms:\n${tail()}`);
    }
    await sleep(POLL_MS);
  }
  ready = true;

  return {
    pid: child.pid,
    exited,
    async stop() {
      stopping = true;
      process.off('exit', killOnExit);
      if (gone()) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const tooSlow = new Promise<boolean>(
        (resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS)),
      );
      const killed = await Promise.race([exited.then(() => false), tooSlow]);
      clearTimeout(timer);
      if (killed) {
        logger.warn({ pid: child.pid }, `${name} ignored SIGTERM; killing it`);
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
