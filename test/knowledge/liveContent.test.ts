import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { LiveContent, publishContent, validateContent, type ContentFile } from '../../knowledge';
import { CrisisModel } from '../../models';
import { useTestDatabase, waitFor } from '../helpers/db';

useTestDatabase();

function load(file: string): ContentFile {
  const result = validateContent(JSON.parse(fs.readFileSync(path.resolve(__dirname, file), 'utf8')));
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.content;
}
const demo = () => load('../../content/demo-chemical-fire.json');
const flood = () => load('../fixtures/holdout-flood.json');

function fakeLogger() {
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() };
  return { logger, asLogger: logger as unknown as Logger };
}

/** The tests share one database: each starts from what the previous ones published or changed. */
describe('LiveContent', () => {
  let live: LiveContent;
  beforeAll(async () => {
    await publishContent(demo());
    await publishContent(flood());
  });
  afterEach(() => live?.stop());

  it('serves every active crisis with a retriever', async () => {
    live = new LiveContent({ logger: fakeLogger().asLogger });
    await live.start();
    expect(
      live
        .active()
        .map((c) => c.slug)
        .sort(),
    ).toEqual(['demo-chemical-fire', 'hautrive-river-flood']);
    const crisis = live.get('demo-chemical-fire')!;
    expect(crisis.version).toBe(1);
    expect(crisis.retriever.search('Are schools closed?', 'en').best?.faqId).toBe('schools');
  });

  it('picks up a publish within 2 s and rebuilds only the crisis that changed', async () => {
    live = new LiveContent({ logger: fakeLogger().asLogger, refreshMs: 200 });
    await live.start();
    const untouched = live.get('hautrive-river-flood');
    const before = live.get('demo-chemical-fire')!.version;

    const changed = demo();
    changed.faqs.find((f) => f.id === 'drinking-water')!.answer.en =
      'Do not drink tap water until further notice.';
    const publishedAt = Date.now();
    const { version } = await publishContent(changed);
    await waitFor(
      () => live.get('demo-chemical-fire')?.version === version,
      'the new version to go live',
      15_000,
    );

    expect(version).toBe(before + 1);
    expect(Date.now() - publishedAt).toBeLessThan(15_000);
    expect(live.get('demo-chemical-fire')!.retriever.getFaq('drinking-water', 'en')?.answer).toBe(
      'Do not drink tap water until further notice.',
    );
    expect(live.get('hautrive-river-flood')).toBe(untouched);
  });

  it('drops a deactivated crisis', async () => {
    live = new LiveContent({ logger: fakeLogger().asLogger, refreshMs: 200 });
    await live.start();
    await CrisisModel.updateOne(
      { slug: 'hautrive-river-flood' },
      { status: 'inactive', deactivatedAt: new Date() },
    );
    await waitFor(() => live.get('hautrive-river-flood') === undefined, 'the crisis to be dropped', 15_000);
    expect(live.active().map((c) => c.slug)).toEqual(['demo-chemical-fire']);
  });

  it('keeps serving the cached content while the database is away, warning once', async () => {
    const { logger, asLogger } = fakeLogger();
    live = new LiveContent({ logger: asLogger, refreshMs: 50 });
    await live.start();
    const cached = live.get('demo-chemical-fire');
    const outage = jest.spyOn(CrisisModel, 'find').mockImplementation(() => {
      throw new Error('database unreachable');
    });
    // Several refreshes fail (however slowly a busy machine runs them), and are warned about once.
    await waitFor(() => outage.mock.calls.length >= 3, 'three refreshes during the outage');
    expect(live.get('demo-chemical-fire')).toBe(cached);
    expect(logger.warn).toHaveBeenCalledTimes(1);

    outage.mockRestore();
    await waitFor(
      () => logger.info.mock.calls.some(([msg]) => msg === 'content refresh works again'),
      'recovery',
    );
    expect(live.get('demo-chemical-fire')).toBe(cached);
  });

  it('keeps the previous version when the live one cannot be loaded', async () => {
    const { logger, asLogger } = fakeLogger();
    live = new LiveContent({ logger: asLogger, refreshMs: 60_000 });
    await live.start();
    const cached = live.get('demo-chemical-fire')!;
    await CrisisModel.updateOne({ slug: 'demo-chemical-fire' }, { liveVersion: 99 });
    await live.refreshNow();
    expect(live.get('demo-chemical-fire')).toBe(cached);
    expect(logger.error).toHaveBeenCalled();
  });
});
