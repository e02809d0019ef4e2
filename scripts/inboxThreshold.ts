/**
 * `npm run inbox:threshold -- QUESTIONS [QUESTIONS ...]`: measures the unanswered inbox's grouping
 * threshold on development question sets. Each answerable question, labelled with its entry,
 * stands for an unanswered message: a good threshold puts questions of one entry in one group
 * (across languages) and questions of different entries in different groups. For each threshold
 * it prints the groups made, purity (share of messages in a group whose majority entry is their
 * own), completeness (share of messages in their entry's largest group), the share of groups
 * mixing languages, and the pair F1 (same group vs same entry, over all pairs). Each set is
 * grouped on its own, as each crisis's inbox is.
 */
import fs from 'node:fs';
import pino from 'pino';
import { groupByMeaning } from '../inbox';
import type { Vector } from '../semantic';
import { scriptEmbedder } from './scriptEmbedder';

interface Case {
  text: string;
  lang: string;
  expect: { kind: string; faqId?: string };
}

interface Labelled {
  id: string;
  at: Date;
  lang: string;
  text: string;
  vector: Vector;
  faqId: string;
}

const THRESHOLDS = [0.8, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88, 0.9, 0.92];

function measure(sets: Labelled[][], threshold: number) {
  let groups = 0;
  let pure = 0;
  let complete = 0;
  let mixed = 0;
  let total = 0;
  let tp = 0;
  let samePredicted = 0;
  let sameTrue = 0;
  for (const set of sets) {
    const grouped = groupByMeaning(set, threshold);
    groups += grouped.length;
    total += set.length;
    const groupOf = new Map<string, number>();
    grouped.forEach((g, i) => g.members.forEach((m) => groupOf.set(m.id, i)));
    for (const g of grouped) {
      const counts = new Map<string, number>();
      for (const m of g.members) counts.set(m.faqId, (counts.get(m.faqId) ?? 0) + 1);
      pure += Math.max(...counts.values());
      if (new Set(g.members.map((m) => m.lang)).size > 1) mixed++;
    }
    const byEntry = new Map<string, Labelled[]>();
    for (const m of set) byEntry.set(m.faqId, [...(byEntry.get(m.faqId) ?? []), m]);
    for (const members of byEntry.values()) {
      const counts = new Map<number, number>();
      for (const m of members) counts.set(groupOf.get(m.id)!, (counts.get(groupOf.get(m.id)!) ?? 0) + 1);
      complete += Math.max(...counts.values());
    }
    for (let i = 0; i < set.length; i++)
      for (let j = i + 1; j < set.length; j++) {
        const same = groupOf.get(set[i]!.id) === groupOf.get(set[j]!.id);
        const truth = set[i]!.faqId === set[j]!.faqId;
        if (same) samePredicted++;
        if (truth) sameTrue++;
        if (same && truth) tp++;
      }
  }
  const precision = samePredicted ? tp / samePredicted : 1;
  const recall = sameTrue ? tp / sameTrue : 1;
  return {
    threshold,
    messages: total,
    groups,
    purity: +(pure / total).toFixed(3),
    completeness: +(complete / total).toFixed(3),
    multilingualGroups: +(mixed / groups).toFixed(3),
    pairPrecision: +precision.toFixed(3),
    pairRecall: +recall.toFixed(3),
    pairF1: +((2 * precision * recall) / (precision + recall || 1)).toFixed(3),
  };
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: npm run inbox:threshold -- QUESTIONS [QUESTIONS ...]');
  const logger = pino({ level: 'warn' });
  const { embedder, stop } = await scriptEmbedder(logger);
  try {
    const sets: Labelled[][] = [];
    for (const file of files) {
      const cases = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: Case[] }).cases.filter(
        (c) => c.expect.kind === 'answer' && c.expect.faqId,
      );
      const vectors = await Promise.all(cases.map((c) => embedder.embedQuery(c.text)));
      sets.push(
        cases.map((c, i) => {
          const vector = vectors[i];
          if (!vector) throw new Error(`no vector for "${c.text}": is the model up?`);
          return {
            id: `${file}#${i}`,
            at: new Date(i),
            lang: c.lang,
            text: c.text,
            vector,
            faqId: c.expect.faqId!,
          };
        }),
      );
    }
    for (const threshold of THRESHOLDS) console.log(JSON.stringify(measure(sets, threshold)));
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
