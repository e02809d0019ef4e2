import fs from 'node:fs';
import path from 'node:path';
import type { Lang } from '../../models';
import { builtInExemplars, D2_KINDS, D5_KINDS, parseExemplars, parseLabelledMessages } from '../../triage';

const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];
/** The labelled sets: held out among the test fixtures, development ones beside the exemplars. */
const SET_FOLDERS = [
  path.resolve(__dirname, '../fixtures'),
  path.resolve(__dirname, '../../triage/exemplars/sets'),
];
/** Exemplars per kind and language: enough variety for a nearest-neighbour vote of five. */
const MIN_PER_KIND = 8;

/** Case, accents, punctuation and spacing do not make a different message. */
const plain = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** Every text of the labelled sets the constants were fitted on or are measured on. */
function labelledTexts(): Set<string> {
  const texts = new Set<string>();
  for (const folder of SET_FOLDERS)
    for (const file of fs.readdirSync(folder).filter((f) => f.startsWith('d2-'))) {
      const data: unknown = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
      for (const { text } of parseLabelledMessages(data, file)) texts.add(plain(text));
    }
  return texts;
}

const validFile = () => ({
  d2: Object.fromEntries(D2_KINDS.map((k) => [k, [`${k} one`, `${k} two`]])),
  d5: Object.fromEntries(D5_KINDS.map((k) => [k, [`${k} one`, `${k} two`]])),
});
const files = (fr: unknown) => ({ fr, nl: validFile(), de: validFile(), en: validFile() });

describe('the exemplar files', () => {
  const exemplars = builtInExemplars();

  it.each(LANGS)('cover every kind of victim inquiry and of general question (%s)', (lang) => {
    for (const [label, kinds] of [
      ['d2', D2_KINDS],
      ['d5', D5_KINDS],
    ] as const) {
      for (const kind of kinds) {
        const count = exemplars.filter((e) => e.lang === lang && e.label === label && e.kind === kind).length;
        expect({ lang, label, kind, count: Math.min(count, MIN_PER_KIND) }).toEqual({
          lang,
          label,
          kind,
          count: MIN_PER_KIND,
        });
      }
    }
  });

  it('hold no message of the labelled sets, so that no written exemplar counts twice and the held-out set stays unseen', () => {
    const labelled = labelledTexts();
    expect(labelled.size).toBeGreaterThan(1000);
    expect(exemplars.filter((e) => labelled.has(plain(e.text))).map((e) => e.text)).toEqual([]);
  });

  it('list no text twice, even written differently', () => {
    const keys = exemplars.map((e) => `${e.lang}|${plain(e.text)}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });
});

describe('parseExemplars', () => {
  it('reads a file of the right shape', () => {
    const parsed = parseExemplars(files(validFile()));
    expect(parsed).toHaveLength(4 * 2 * (D2_KINDS.length + D5_KINDS.length));
    expect(parsed[0]).toEqual({ lang: 'fr', label: 'd2', kind: 'missing', text: 'missing one' });
  });

  it.each<[string, (file: ReturnType<typeof validFile>) => unknown, RegExp]>([
    ['a missing kind', (f) => ({ ...f, d2: { ...f.d2, dead: undefined } }), /exemplars fr: .*d2\.dead/],
    ['an unknown kind', (f) => ({ ...f, d5: { ...f.d5, weather: ['rain?'] } }), /exemplars fr: .*weather/],
    ['an empty list', (f) => ({ ...f, d2: { ...f.d2, ill: [] } }), /exemplars fr: .*d2\.ill/],
    [
      'a text that is no string',
      (f) => ({ ...f, d5: { ...f.d5, crisis: [42] } }),
      /exemplars fr: .*d5\.crisis/,
    ],
    [
      'a text both D2 and D5',
      (f) => ({ ...f, d5: { ...f.d5, health: ['Missing One'] } }),
      /exemplars fr d5\.health: "Missing One" is already in fr d2\.missing/,
    ],
  ])('rejects %s with an error naming where', (_, change, message) => {
    expect(() => parseExemplars(files(change(validFile())))).toThrow(message);
  });
});
