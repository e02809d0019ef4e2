import fs from 'node:fs';
import path from 'node:path';
import { createTranslator } from '../../bot/i18n';

const ROOT = path.resolve(__dirname, '../..');
const LANGS = ['fr', 'nl', 'de', 'en'];
const SOURCE_DIRS = ['bot', 'dialogs', 'channels', 'handoff', 'admin'];

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('locale files', () => {
  const namespaces = fs.readdirSync(path.join(ROOT, 'locales', 'en')).filter((f) => f.endsWith('.json'));

  it.each(namespaces)('%s has the same keys, all non-empty, in every language', (ns) => {
    const english = keysOf(JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'en', ns), 'utf8'))).sort();
    for (const lang of LANGS) {
      const data = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, ns), 'utf8'));
      expect({ lang, keys: keysOf(data).sort() }).toEqual({ lang, keys: english });
      for (const key of english) {
        const value = key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], data);
        expect({ lang, key, empty: typeof value !== 'string' || value.trim() === '' }).toEqual({
          lang,
          key,
          empty: false,
        });
      }
    }
  });

  it('has every key the code asks for, in every language', async () => {
    const translate = await createTranslator(path.join(ROOT, 'locales'));
    const used = new Set<string>();
    for (const file of SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d)))) {
      const source = fs.readFileSync(file, 'utf8');
      for (const match of source.matchAll(/\b(?:t|translate|say)\(\s*[\w.]+,\s*'([\w.:]+)'/g))
        used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    for (const key of used) {
      for (const lang of LANGS) expect(() => translate(lang as 'fr', key)).not.toThrow();
    }
  });

  it('refuses an unknown key instead of showing it to a citizen', async () => {
    const translate = await createTranslator(path.join(ROOT, 'locales'));
    expect(() => translate('nl', 'no.such.key')).toThrow(/missing translation nl:no.such.key/);
  });
});
