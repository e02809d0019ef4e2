/**
 * `npm run eval:triage -- [--sweep] FILE...`: how the D2 triage does on labelled sets,
 * per file and language: D2 messages routed (recall: decided d2 or unsure), traps kept D5 and, for
 * question files, the crisis's general questions kept D5, by the lexicon alone and with the
 * semantic second opinion. FILE is a triage set (`{ "fr": { "d2": [...], "d5": [...] }, ... }`, as
 * triage/exemplars/sets/d2-dev.json), a question file (`{ "cases": [{ "text", "lang", "expect": { "kind" },
 * "trap"? }] }`: D2 cases, traps, and answerable questions as general ones), or a list of labelled
 * messages (`[{ "text", "lang", "d2": true | false }]`). Requests for a person (a question file's
 * handoff cases, or a set `{ "fr": { "request": [...], "other": [...] }, ... }` of requests and
 * messages close to them) are measured as the bot routes them: handed to a person at once, or
 * after one "no" to the victim-inquiry question.
 * The model is the one the bot would ask (EMBEDDINGS_URL, or the embedded model, started if none
 * answers); with EMBEDDINGS=off the lexicon is measured alone. `--sweep` adds, over all files
 * together, what each probability threshold of the classifier would give: how its constants were
 * chosen (FIT.md). EVAL_MISSES=0 hides the missed messages, as in `npm run eval`.
 */
import 'dotenv/config';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { projectRoot } from '../bot/paths';
import type { Lang } from '../models';
import type { Vector } from '../semantic';
import { missesHidden } from './missesHidden';
import { scriptEmbedder } from './scriptEmbedder';
import { loadTemplates, templatesDir } from '../knowledge';
import {
  classifyInquiry,
  isPersonRequest,
  routeMessage,
  SemanticTriage,
  trainingExemplars,
  parseLabelledMessages,
  withSecondOpinion,
  type InquiryClassification,
  type InquiryDecision,
  type LabelledMessage,
  type MessageRoute,
} from '../triage';

const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];
/** Messages embedded at once: the client batches them into one model request. */
const CONCURRENT = 16;

/** The D2 messages, traps and general questions of a file, in any shape; anything else is a clear error. */
function readCases(file: string): LabelledMessage[] {
  return parseLabelledMessages(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

interface Judged extends LabelledMessage {
  lexicon: InquiryDecision;
  combined: InquiryDecision;
  /** How the bot routes it, a request for a person included. */
  route: MessageRoute;
  /** The second opinion's probability of a victim inquiry; undefined without a model. */
  probability?: number;
  /** The lexicon's whole reading, for the sweep to decide again as the bot does. */
  reading: InquiryClassification;
}

const pct = (n: number, of: number) => (of === 0 ? '   -  ' : `${((100 * n) / of).toFixed(1)}%`.padStart(6));

function row(label: string, all: Judged[], semantic: boolean): string {
  const cases = all.filter((c) => c.personRequest === undefined);
  const d2 = cases.filter((c) => c.d2);
  const traps = cases.filter((c) => !c.d2 && !c.general);
  const general = cases.filter((c) => c.general);
  const routed = (list: Judged[], key: 'lexicon' | 'combined') => list.filter((c) => c[key] !== 'd5').length;
  const figures = (key: 'lexicon' | 'combined') =>
    `recall ${pct(routed(d2, key), d2.length)}  traps kept ${pct(traps.length - routed(traps, key), traps.length)}` +
    (general.length > 0
      ? `  general kept ${pct(general.length - routed(general, key), general.length)}`
      : '');
  const counts = `D2 ${String(d2.length).padStart(4)}  traps ${String(traps.length).padStart(4)}${general.length > 0 ? `  general ${String(general.length).padStart(4)}` : ''}`;
  const triage =
    cases.length > 0
      ? `   lexicon: ${figures('lexicon')}${semantic ? `   combined: ${figures('combined')}` : ''}`
      : '';
  return `  ${label.padEnd(4)} ${counts}${triage}${personRow(all)}`;
}

/**
 * Requests for a person handed to one at the first reply, and after one "no" to the yes/no
 * question the bot asks first when the message may be a victim inquiry; and the messages close
 * to requests that were handed to a person.
 */
function personRow(cases: Judged[]): string {
  const requests = cases.filter((c) => c.personRequest === true);
  const others = cases.filter((c) => c.personRequest === false);
  if (requests.length === 0 && others.length === 0) return '';
  const atOnce = (c: Judged) => c.route.personRequest && c.route.inquiry.decision === 'd5';
  const afterNo = (c: Judged) => c.route.personRequest && c.route.inquiry.decision !== 'd2';
  const count = (list: Judged[], test: (c: Judged) => boolean) => list.filter(test).length;
  return (
    `   person requests ${String(requests.length).padStart(3)}: to a person ${pct(count(requests, atOnce), requests.length)}` +
    `, after one "no" ${pct(count(requests, afterNo), requests.length)}` +
    (others.length > 0
      ? `   others ${others.length}: to a person ${pct(count(others, atOnce), others.length)}`
      : '')
  );
}

function report(file: string, cases: Judged[], semantic: boolean): void {
  console.log(path.basename(file));
  for (const lang of LANGS) {
    const ofLang = cases.filter((c) => c.lang === lang);
    if (ofLang.length > 0) console.log(row(lang, ofLang, semantic));
  }
  console.log(row('all', cases, semantic));
  const missed = missesHidden() ? [] : cases.filter((c) => c.d2 && c.combined === 'd5');
  for (const c of missed) console.log(`    missed (${c.lang}) ${c.text}`);
}

/**
 * What each threshold on the second opinion's probability would give over all cases, alone and
 * as the bot decides (the lexicon's D2 and urgent doubts stand).
 */
function sweep(all: Judged[]): void {
  const cases = all.filter((c) => c.personRequest === undefined);
  const d2 = cases.filter((c) => c.d2);
  const traps = cases.filter((c) => !c.d2);
  console.log(
    '\nsweep over all files (semantic flags a message when its probability >= threshold; traps include general questions)',
  );
  for (let t = 0.05; t <= 0.951; t += 0.05) {
    const flagged = (c: Judged) => (c.probability ?? -Infinity) >= t;
    const routed = (c: Judged) =>
      withSecondOpinion(c.reading, {
        decision: flagged(c) ? 'unsure' : 'd5',
        probability: c.probability ?? 0,
        personRequest: false,
      }).decision !== 'd5';
    const count = (list: Judged[], test: (c: Judged) => boolean) => list.filter(test).length;
    console.log(
      `  ${t.toFixed(2).padStart(5)}  semantic alone: recall ${pct(count(d2, flagged), d2.length)} traps flagged ${pct(count(traps, flagged), traps.length)}` +
        `   combined: recall ${pct(count(d2, routed), d2.length)} traps kept ${pct(traps.length - count(traps, routed), traps.length)}`,
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
      exemplars: trainingExemplars(await loadTemplates(templatesDir(projectRoot()))),
      cacheDir: path.join(projectRoot(), '.cache'),
      logger,
    });
  if (triage) {
    triage.start();
    if (!(await triage.ready())) throw new Error('the triage classifier could not be fitted');
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
        const opinion = vector && triage?.opinion(vector, lexicon);
        const combined = withSecondOpinion(lexicon, opinion).decision;
        judged.push({
          ...c,
          lexicon: lexicon.decision,
          combined,
          route: routeMessage(lexicon, opinion, isPersonRequest(c.text, c.lang)),
          probability: opinion?.probability,
          reading: lexicon,
        });
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
