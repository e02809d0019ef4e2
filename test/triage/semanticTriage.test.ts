import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Lang } from '../../models';
import type { Embedder } from '../../semantic';
import {
  builtInExemplars,
  classifyInquiry,
  SemanticTriage,
  withSecondOpinion,
  type Exemplar,
} from '../../triage';
import { PARAPHRASED_D2, TRAPS } from './secondOpinionCases';
import { prewarmTriageClassifier, testEmbedder, TEST_MODEL } from './testModel';

const silent = pino({ level: 'silent' });

describe('the semantic second opinion, with the real model', () => {
  const embedder = testEmbedder();
  let triage: SemanticTriage;

  beforeAll(async () => {
    triage = await prewarmTriageClassifier();
  }, 300_000);

  const decide = async (lang: Lang, text: string) => {
    const lexicon = classifyInquiry(text, lang);
    const vector = await embedder.embedQuery(text);
    return {
      lexicon: lexicon.decision,
      combined: withSecondOpinion(lexicon, triage.opinion(vector!, lexicon)),
    };
  };

  it.each(PARAPHRASED_D2)('routes a victim inquiry the lexicon misses (%s) %s', async (lang, text) => {
    const { lexicon, combined } = await decide(lang, text);
    expect(lexicon).toBe('d5');
    expect(combined.decision).not.toBe('d5');
    expect(combined.signals.at(-1)).toMatch(/^semantic:(d2|unsure):/);
  });

  it.each(TRAPS)('keeps a general question about a relative D5 (%s) %s', async (lang, text) => {
    expect(await decide(lang, text)).toMatchObject({ lexicon: 'd5', combined: { decision: 'd5' } });
  });
});

/** The real model behind a wrapper that counts its calls, and that can play a model that is down. */
function observed(model = TEST_MODEL) {
  const real = testEmbedder(undefined, model);
  /** `lateOnce`: each text's first vector misses the deadline (the client keeps it for the next ask). */
  const state = { calls: 0, down: false, lateOnce: false };
  const asked = new Set<string>();
  const embedder: Pick<Embedder, 'model' | 'embedQuery' | 'status'> = {
    model,
    embedQuery: async (text) => {
      state.calls++;
      if (state.down) return undefined;
      const vector = await real.embedQuery(text);
      const late = state.lateOnce && !asked.has(text);
      asked.add(text);
      return late ? undefined : vector;
    },
    status: () => ({ model, circuit: state.down ? 'open' : 'closed' }),
  };
  return { embedder, state };
}

describe('the triage classifier', () => {
  const disparu = classifyInquiry('mon fils a disparu', 'fr');
  let cacheDir: string;
  const exemplars: Exemplar[] = builtInExemplars().filter((_, i) => i % 40 === 0);
  const options = (embedder: Pick<Embedder, 'model' | 'embedQuery' | 'status'>, list = exemplars) => ({
    embedder,
    exemplars: list,
    cacheDir,
    logger: silent,
    retryMs: 50,
  });
  const start = (embedder: Pick<Embedder, 'model' | 'embedQuery' | 'status'>, list = exemplars) => {
    const triage = new SemanticTriage(options(embedder, list));
    triage.start();
    return triage;
  };

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'exemplars-'));
  });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('is fitted once, cached in one file, and read back by the next process without the model', async () => {
    const first = observed();
    const made = start(first.embedder);
    expect(made.opinion(new Float32Array(384), disparu)).toBeUndefined();
    await made.ready();
    expect(first.state.calls).toBe(exemplars.length);
    expect(fs.readdirSync(cacheDir)).toEqual([
      expect.stringMatching(new RegExp(`^triage-classifier-${TEST_MODEL}-[0-9a-f]+\\.f32$`)),
    ]);

    const next = observed();
    const read = start(next.embedder);
    expect(next.state.calls).toBe(0);
    const vector = (await testEmbedder().embedQuery('mon fils a disparu'))!;
    expect(read.opinion(vector, disparu)).toEqual(made.opinion(vector, disparu));
  }, 120_000);

  it('is fitted again for another model or other exemplars', async () => {
    await start(observed().embedder).ready();
    const otherModel = observed('multilingual-e5-small-query');
    await start(otherModel.embedder).ready();
    expect(otherModel.state.calls).toBe(exemplars.length);
    const changed = observed();
    const fewer = exemplars.slice(1);
    await start(changed.embedder, fewer).ready();
    expect(changed.state.calls).toBe(fewer.length);
    // The classifier of exemplars no longer in use is removed; another model's stays.
    expect(fs.readdirSync(cacheDir).sort()).toEqual([
      expect.stringMatching(new RegExp(`^triage-classifier-${TEST_MODEL}-[0-9a-f]+\\.f32$`)),
      expect.stringMatching(/^triage-classifier-multilingual-e5-small-query-\w+\.f32$/),
    ]);
  }, 120_000);

  it('leaves the lexicon alone while the model is down, and comes once it answers again', async () => {
    const model = observed();
    model.state.down = true;
    const triage = start(model.embedder);
    // Asked again after the pause, the model still answers nothing: no opinion, nothing cached.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (model.state.calls > 8) resolve(clearInterval(poll));
      }, 10);
    });
    expect(triage.opinion(new Float32Array(384), disparu)).toBeUndefined();
    expect(fs.readdirSync(cacheDir)).toEqual([]);
    model.state.down = false;
    await expect(triage.ready()).resolves.toBeDefined();
    expect(
      triage.opinion((await testEmbedder().embedQuery('mon fils a disparu'))!, disparu)?.decision,
    ).toBeDefined();
  }, 120_000);

  it('asks again at once for vectors that miss the client deadline of a busy model', async () => {
    const model = observed();
    model.state.lateOnce = true;
    const triage = new SemanticTriage({ ...options(model.embedder), retryMs: 600_000 });
    triage.start();
    await expect(triage.ready()).resolves.toBeDefined();
    expect(model.state.calls).toBe(2 * exemplars.length);
  }, 60_000);

  it('stops being fitted when the bot stops', async () => {
    const model = observed();
    model.state.down = true;
    const triage = start(model.embedder);
    triage.stop();
    await expect(triage.ready()).resolves.toBeUndefined();
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });

  it('is fitted again when the cache file is damaged', async () => {
    await start(observed().embedder).ready();
    const [file] = fs.readdirSync(cacheDir);
    fs.writeFileSync(path.join(cacheDir, file!), Buffer.alloc(7));
    const again = observed();
    await start(again.embedder).ready();
    expect(again.state.calls).toBe(exemplars.length);
  }, 120_000);
});
