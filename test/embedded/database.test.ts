import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { answersPing, startEmbeddedDb } from '../../embedded';
import { freePort, PROJECT_ROOT, silentLogger } from '../helpers/db';

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-embedded-'));
  tempDirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('startEmbeddedDb', () => {
  it('starts FerretDB, reuses it from a second caller, and only the starter stops it', async () => {
    const port = await freePort();
    const first = await startEmbeddedDb({
      dataDir: tempDir(),
      port,
      logger: silentLogger,
      rootDir: PROJECT_ROOT,
    });
    try {
      expect(first).toMatchObject({ startedByUs: true, uri: `mongodb://127.0.0.1:${port}/crisis` });

      const unusedDir = path.join(tempDir(), 'never-created');
      const second = await startEmbeddedDb({
        dataDir: unusedDir,
        port,
        logger: silentLogger,
        rootDir: PROJECT_ROOT,
      });
      expect(second).toMatchObject({ startedByUs: false, uri: first.uri });
      expect(fs.existsSync(unusedDir)).toBe(false);

      await second.stop();
      expect(await answersPing(port)).toBe(true);
    } finally {
      await first.stop();
    }
    expect(await answersPing(port)).toBe(false);
  });

  it('says to install Go or set MONGODB_URI when the binary is missing and cannot be built', async () => {
    // A project root with the build script but no binary, and a PATH without any `go`.
    const rootDir = tempDir();
    fs.mkdirSync(path.join(rootDir, 'scripts'));
    fs.copyFileSync(
      path.join(PROJECT_ROOT, 'scripts', 'build-ferretdb.sh'),
      path.join(rootDir, 'scripts', 'build-ferretdb.sh'),
    );
    const savedPath = process.env.PATH;
    process.env.PATH = (savedPath ?? '')
      .split(path.delimiter)
      .filter((dir) => dir && !fs.existsSync(path.join(dir, 'go')))
      .join(path.delimiter);
    try {
      await expect(
        startEmbeddedDb({
          dataDir: path.join(rootDir, 'data'),
          port: await freePort(),
          logger: silentLogger,
          rootDir,
        }),
      ).rejects.toThrow(/no Go toolchain: install Go or set MONGODB_URI/);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(fs.existsSync(path.join(rootDir, '.cache', 'bin', 'ferretdb'))).toBe(false);
  });

  it("reports FerretDB's own words when it cannot start", async () => {
    // Something that is not a database holds the port: FerretDB cannot listen there and exits.
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      await expect(
        startEmbeddedDb({ dataDir: tempDir(), port, logger: silentLogger, rootDir: PROJECT_ROOT }),
      ).rejects.toThrow(/FerretDB exited[\s\S]*address already in use/);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
