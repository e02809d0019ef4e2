/**
 * `npm run eval:triage -- [--sweep] FILE...`: how the D2 triage does on labelled sets,
 * per file and language: D2 messages routed (recall: decided d2 or unsure) and traps kept D5,
 * by the lexicon alone and with the semantic second opinion. FILE is a triage set
 * (`{ "fr": { "d2": [...], "d5": [...] }, ... }`, as test/fixtures/d2-dev.json) or a question
 * file (`{ "cases": [{ "text", "lang", "expect": { "kind" }, "trap"? }] }`: D2 cases and traps), or
 * a list of labelled messages (`[{ "text", "lang", "d2": true | false }]`).
 * The model is the one the bot would ask (EMBEDDINGS_URL, or the embedded model, started if none
 * answers); with EMBEDDINGS=off the lexicon is measured alone. `--sweep` adds, over all files together, what each margin
 * threshold of the semantic signal would give: how its constants were fitted (FIT.md).
 */
import 'dotenv/config';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../bot/paths';
import type { Lang } from '../models';
import type { Vector } from '../semantic';
import { scriptEmbedder } from './scriptEmbedder';
import {
  builtInExemplars,
  classifyInquiry,
  SemanticTriage,
  withSecondOpinion,
  type InquiryDecision,
} from '../triage';

const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];
/** Messages embedded at once: the client batches them into one model request. */
const CONCURRENT = 16;

interface Case {
  lang: Lang;
  text: string;
  d2: boolean;
}

/** The D2 messages and the traps of a file, in either shape; anything else is a clear error. */
function readCases(file: string): Case[] {
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (Array.isArray(data)) return (data as Case[]).map(({ lang, text, d2 }) => ({ lang, text, d2 }));
  if (Array.isArray(data.cases)) {
    return (data.cases as { text: string; lang: Lang; expect: { kind: string }; trap?: boolean }[])
      .filter((c) => c.expect.kind === 'd2' || c.trap === true)
      .map((c) => ({ lang: c.lang, text: c.text, d2: c.expect.kind === 'd2' }));
  }
  const langs = LANGS.filter((lang) => lang in data);
  if (langs.length === 0) throw new Error(`${file}: neither "cases" nor a language key (fr, nl, de, en)`);
  return langs.flatMap((lang) => {
    const set = data[lang] as { d2: string[]; d5: string[] };
    return [
      ...set.d2.map((text) => ({ lang, text, d2: true })),
      ...set.d5.map((text) => ({ lang, text, d2: false })),
    ];
  });
}

interface Judged extends Case {
  lexicon: InquiryDecision;
  combined: InquiryDecision;
  /** The semantic margin; undefined without a model. */
  margin?: number;
}

const pct = (n: number, of: number) => (of === 0 ? '   -  ' : `${((100 * n) / of).toFixed(1)}%`.padStart(6));

function row(label: string, cases: Judged[], semantic: boolean): string {
  const d2 = cases.filter((c) => c.d2);
  const traps = cases.filter((c) => !c.d2);
  const routed = (list: Judged[], key: 'lexicon' | 'combined') => list.filter((c) => c[key] !== 'd5').length;
  const lexicon = `lexicon: recall ${pct(routed(d2, 'lexicon'), d2.length)}  traps kept ${pct(traps.length - routed(traps, 'lexicon'), traps.length)}`;
  const combined = semantic
    ? `   combined: recall ${pct(routed(d2, 'combined'), d2.length)}  traps kept ${pct(traps.length - routed(traps, 'combined'), traps.length)}`
    : '';
  return `  ${label.padEnd(4)} D2 ${String(d2.length).padStart(4)}  traps ${String(traps.length).padStart(4)}   ${lexicon}${combined}`;
}

function report(file: string, cases: Judged[], semantic: boolean): void {
  console.log(path.basename(file));
  for (const lang of LANGS) {
    const ofLang = cases.filter((c) => c.lang === lang);
    if (ofLang.length > 0) console.log(row(lang, ofLang, semantic));
  }
  console.log(row('all', cases, semantic));
  const missed = cases.filter((c) => c.d2 && c.combined === 'd5');
  for (const c of missed) console.log(`    missed (${c.lang}) ${c.text}`);
}

/** What each margin threshold would give with the lexicon, and on its own, over all cases. */
function sweep(cases: Judged[]): void {
  const d2 = cases.filter((c) => c.d2);
  const traps = cases.filter((c) => !c.d2);
  console.log('\nsweep over all files (semantic flags a message when its margin >= threshold)');
  for (let t = -0.01; t <= 0.0401; t += 0.0025) {
    const flagged = (c: Judged) => (c.margin ?? -Infinity) >= t;
    const either = (c: Judged) => flagged(c) || c.lexicon !== 'd5';
    const count = (list: Judged[], test: (c: Judged) => boolean) => list.filter(test).length;
    console.log(
      `  ${t.toFixed(4).padStart(7)}  semantic alone: recall ${pct(count(d2, flagged), d2.length)} traps flagged ${pct(count(traps, flagged), traps.length)}` +
        `   combined: recall ${pct(count(d2, either), d2.length)} traps kept ${pct(traps.length - count(traps, either), traps.length)}`,
    );
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    console.error('usage: npm run eval:triage -- [--sweep] FILE...');
    return 2;
  }
  const sets = files.map((file) => ({ file, cases: readCases(file) }));
  const logger = pino({ level: 'warn' }, pino.destination(2));
  // The model the bot would ask (the embedded one, started if none answers); EMBEDDINGS=off: the lexicon alone.
  const model = process.env.EMBEDDINGS === 'off' ? undefined : await scriptEmbedder(logger);
  const embedder = model?.embedder;
  const triage =
    embedder &&
    new SemanticTriage({
      embedder,
      exemplars: builtInExemplars(),
      cacheDir: path.join(projectRoot(), '.cache'),
      logger,
    });
  if (triage) {
    triage.start();
    if (!(await triage.ready())) throw new Error('exemplar vectors could not be made');
  }

  const all: Judged[] = [];
  for (const { file, cases } of sets) {
    const judged: Judged[] = [];
    for (let start = 0; start < cases.length; start += CONCURRENT) {
      const batch = cases.slice(start, start + CONCURRENT);
      const vectors: (Vector | undefined)[] = embedder
        ? await Promise.all(batch.map((c) => embedder.embedQuery(c.text)))
        : [];
      batch.forEach((c, i) => {
        const lexicon = classifyInquiry(c.text, c.lang);
        const vector = vectors[i];
        if (embedder && !vector) throw new Error(`no vector for "${c.text}": is the model up?`);
        const opinion = vector && triage?.opinion(vector);
        const combined = withSecondOpinion(lexicon, opinion).decision;
        judged.push({ ...c, lexicon: lexicon.decision, combined, margin: opinion?.margin });
      });
    }
    report(file, judged, Boolean(embedder));
    all.push(...judged);
  }
  if (args.includes('--sweep') && embedder) sweep(all);
  await model?.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
