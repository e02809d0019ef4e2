import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ContentFileError,
  publishContent,
  readContentFile,
  seedDemoIfEmpty,
  validateContent,
  type ContentFile,
} from '../../knowledge';
import { ContentVersionModel, CrisisModel } from '../../models';
import { freePort, silentLogger, useTestDatabase } from '../helpers/db';

const root = path.resolve(__dirname, '../..');
const demoFile = path.join(root, 'content/demo-chemical-fire.json');
const db = useTestDatabase();

function demo(): ContentFile {
  const result = validateContent(JSON.parse(fs.readFileSync(demoFile, 'utf8')));
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.content;
}

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

beforeEach(async () => {
  await Promise.all([CrisisModel.deleteMany({}), ContentVersionModel.deleteMany({})]);
});

describe('readContentFile', () => {
  it('reads JSON, with or without a byte-order mark', async () => {
    const file = tempFile('bom.json', `\uFEFF{"format":"crisis-content/v1"}`);
    await expect(readContentFile(file)).resolves.toEqual({ format: 'crisis-content/v1' });
  });

  it('says where unparsable JSON breaks, by line and column', async () => {
    const file = tempFile('broken.json', '{\n  "format": "crisis-content/v1",\n  "crisis": {,\n}');
    const error = await readContentFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentFileError);
    expect((error as Error).message).toMatch(/broken\.json: not valid JSON: .*line 3, column 14/);
  });

  it('reports a missing file clearly', async () => {
    await expect(readContentFile('/nonexistent/file.json')).rejects.toThrow(
      '/nonexistent/file.json: cannot read (ENOENT)',
    );
  });
});

describe('publishContent', () => {
  it('creates the crisis with version 1 live', async () => {
    const result = await publishContent(demo(), { note: 'first', createdBy: 'test' });
    expect(result).toEqual({ slug: 'demo-chemical-fire', version: 1, created: true });
    const crisis = await CrisisModel.findOne({ slug: 'demo-chemical-fire' }).lean();
    expect(crisis).toMatchObject({ status: 'active', liveVersion: 1, languages: ['fr', 'nl', 'de', 'en'] });
    expect(crisis?.activatedAt).toBeInstanceOf(Date);
    const version = await ContentVersionModel.findOne({
      crisisSlug: 'demo-chemical-fire',
      version: 1,
    }).lean();
    expect(version).toMatchObject({ note: 'first', createdBy: 'test', content: demo() });
  });

  it('publishes a re-import as a new live version, keeps the older one, and never duplicates entries', async () => {
    await publishContent(demo());
    const changed = demo();
    changed.faqs = changed.faqs.slice(0, 5);
    changed.faqs[0]!.answer.en = 'Changed advice.';
    const first = await CrisisModel.findOne({ slug: 'demo-chemical-fire' }).lean();

    expect(await publishContent(changed)).toEqual({ slug: 'demo-chemical-fire', version: 2, created: false });

    expect(await CrisisModel.countDocuments({})).toBe(1);
    const crisis = await CrisisModel.findOne({ slug: 'demo-chemical-fire' }).lean();
    expect(crisis?.liveVersion).toBe(2);
    expect(crisis?.activatedAt).toEqual(first?.activatedAt);
    const versions = await ContentVersionModel.find({ crisisSlug: 'demo-chemical-fire' })
      .sort({ version: 1 })
      .lean();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect((versions[0]!.content as ContentFile).faqs).toHaveLength(12);
    expect((versions[1]!.content as ContentFile).faqs).toHaveLength(5);
    expect((versions[1]!.content as ContentFile).faqs[0]!.answer.en).toBe('Changed advice.');
  });

  it('reactivates an inactive crisis', async () => {
    await publishContent(demo());
    await CrisisModel.updateOne(
      { slug: 'demo-chemical-fire' },
      { status: 'inactive', deactivatedAt: new Date() },
    );
    await publishContent(demo());
    const crisis = await CrisisModel.findOne({ slug: 'demo-chemical-fire' }).lean();
    expect(crisis).toMatchObject({ status: 'active', liveVersion: 2 });
    expect(crisis?.deactivatedAt).toBeUndefined();
  });

  it('gives concurrent publishes distinct versions and leaves the newest live', async () => {
    const results = await Promise.all([1, 2, 3].map(() => publishContent(demo())));
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await CrisisModel.findOne({ slug: 'demo-chemical-fire' }).lean())?.liveVersion).toBe(3);
  });

  it('leaves the previous version live when making the new one live fails', async () => {
    await publishContent(demo());
    const spy = jest.spyOn(CrisisModel, 'updateOne').mockRejectedValueOnce(new Error('connection lost'));
    await expect(publishContent(demo())).rejects.toThrow('connection lost');
    spy.mockRestore();
    expect((await CrisisModel.findOne({ slug: 'demo-chemical-fire' }).lean())?.liveVersion).toBe(1);
    // The next publish simply takes the following number.
    expect((await publishContent(demo())).version).toBe(3);
  });
});

describe('seedDemoIfEmpty', () => {
  it('loads the demo only into a database without any crisis', async () => {
    await expect(seedDemoIfEmpty(demo(), silentLogger)).resolves.toBe(true);
    await expect(seedDemoIfEmpty(demo(), silentLogger)).resolves.toBe(false);
    expect(await ContentVersionModel.countDocuments({})).toBe(1);
  });
});

describe('the import command', () => {
  const run = promisify(execFile);
  async function importFile(file: string, env: Record<string, string>) {
    const result = await run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file], {
      cwd: root,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    return { code: result.code, out: result.stdout + result.stderr };
  }

  it('imports a valid file and says which version is live', async () => {
    const { code, out } = await importFile(demoFile, { MONGODB_URI: db.uri() });
    expect(out).toContain('demo-chemical-fire: version 1 is live');
    expect(code).toBe(0);
    expect((await CrisisModel.findOne({ slug: 'demo-chemical-fire' }).lean())?.liveVersion).toBe(1);
  }, 30_000);

  it('prints every problem of an invalid file, exits 1 and writes nothing', async () => {
    const raw = JSON.parse(fs.readFileSync(demoFile, 'utf8'));
    raw.unexpected = true;
    raw.faqs[1].links[0].url = 'http://insecure.example';
    const file = tempFile('invalid.json', JSON.stringify(raw));
    const { code, out } = await importFile(file, { MONGODB_URI: db.uri() });
    expect(code).toBe(1);
    expect(out).toContain('faqs[1].links[0].url: must be an https URL');
    expect(out).toContain('unexpected: unknown key');
    expect(await ContentVersionModel.countDocuments({})).toBe(0);
    expect(await CrisisModel.countDocuments({})).toBe(0);
  }, 30_000);

  it('rejects an invalid file before starting the embedded database', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'import-')), 'data');
    const file = tempFile('empty.json', '{}');
    const { code } = await importFile(file, {
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(await freePort()),
    });
    expect(code).toBe(1);
    expect(fs.existsSync(dataDir)).toBe(false);
  }, 30_000);
});
