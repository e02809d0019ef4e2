/**
 * `npm run bench:inbox`: how long the unanswered inbox takes to group 5,000 collected messages
 * (INBOX_BENCH_MESSAGES), opening them as the API does (AES-GCM, each with its vector) and then
 * grouping. The vectors are synthetic (unit, 384 dimensions, the embedded model's): a few hundred
 * topics asked many times in slightly different words, and one message in five asked once, which
 * makes many groups, the costly case for leader clustering. Prints the median of five runs.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pino from 'pino';
import { IntakeCipher } from '../handoff';
import { groupsOf, type UnansweredMessage } from '../inbox';
import { normalize, packVectors, unpackVectors } from '../semantic';

const MESSAGES = Number(process.env.INBOX_BENCH_MESSAGES ?? 5000);
const DIMS = 384;
const TOPICS = Math.round(MESSAGES / 20);
const SINGLETON_SHARE = 0.2;
const RUNS = 5;
const LANGS = ['fr', 'nl', 'de', 'en'];

const gaussian = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
const randomUnit = () => normalize(Array.from({ length: DIMS }, gaussian));
/** Vectors about 0.92 similar to each other around `center`, as rephrasings of one question are. */
const near = (center: Float32Array) => normalize(center.map((v) => v + gaussian() * 0.015));

function messages(): UnansweredMessage[] {
  const centers = Array.from({ length: TOPICS }, randomUnit);
  const start = Date.now() - 14 * 86_400_000;
  return Array.from({ length: MESSAGES }, (_, i) => ({
    id: randomUUID(),
    at: new Date(start + i * 1000),
    lang: LANGS[i % LANGS.length]!,
    source: 'clarify' as const,
    text: `question ${i}`,
    vector:
      Math.random() < SINGLETON_SHARE ? randomUnit() : near(centers[Math.floor(Math.random() * TOPICS)]!),
  }));
}

function main(): void {
  const cipher = new IntakeCipher(Buffer.alloc(32, 7));
  const sealed = messages().map((m) => ({
    meta: { ...m, vector: undefined },
    sealed: cipher.seal({ text: m.text, vector: packVectors([m.vector!]).toString('base64') }, m.id),
  }));
  const timings: { open: number; group: number; cpu: number; groups: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const opened = sealed.map(({ meta, sealed: s }) => {
      const payload = cipher.open<{ text: string; vector: string }>(s, meta.id);
      const bytes = Buffer.from(payload.vector, 'base64');
      return { ...meta, text: payload.text, vector: unpackVectors(bytes, DIMS)[0]! };
    });
    const t1 = performance.now();
    const groups = groupsOf(opened);
    const used = process.cpuUsage(cpu);
    timings.push({
      open: t1 - t0,
      group: performance.now() - t1,
      cpu: (used.user + used.system) / 1000,
      groups: groups.length,
    });
  }
  timings.sort((a, b) => a.open + a.group - (b.open + b.group));
  const median = timings[Math.floor(RUNS / 2)]!;
  pino().info(
    {
      messages: MESSAGES,
      groups: median.groups,
      openMs: Math.round(median.open),
      groupMs: Math.round(median.group),
      totalMs: Math.round(median.open + median.group),
      cpuMs: Math.round(median.cpu),
      load: os.loadavg()[0]!.toFixed(1),
    },
    'inbox grouping (median of 5 runs)',
  );
}

main();
