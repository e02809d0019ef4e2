import fs from 'node:fs';
import path from 'node:path';
import { validateContent } from '../../knowledge';

const demoFile = path.resolve(__dirname, '../../content/demo-chemical-fire.json');
// The raw JSON is edited freely to produce invalid files: typing it would defeat the purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const demo = (): Record<string, any> => JSON.parse(fs.readFileSync(demoFile, 'utf8'));

function problemsOf(raw: unknown): string[] {
  const result = validateContent(raw);
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.problems;
}

describe('validateContent', () => {
  it('accepts the demo crisis without warnings', () => {
    const result = validateContent(demo());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.warnings).toEqual([]);
      expect(result.content.faqs).toHaveLength(12);
    }
  });

  it('accepts the holdout crisis fixture', () => {
    const raw = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../fixtures/holdout-flood.json'), 'utf8'),
    );
    expect(validateContent(raw).ok).toBe(true);
  });

  it('rejects unknown keys, at the top level and inside', () => {
    const raw = demo();
    raw.faq = [];
    raw.faqs[8].colour = 'red';
    raw.faqs[2].answer.es = 'agua';
    expect(problemsOf(raw)).toEqual(
      expect.arrayContaining([
        'faq: unknown key',
        'faqs[8].colour: unknown key',
        'faqs[2].answer.es: unknown key',
      ]),
    );
  });

  it('lists every problem with its JSON path, not only the first', () => {
    const raw = demo();
    raw.format = 'crisis-content/v2';
    raw.crisis.slug = 'Not A Slug';
    raw.crisis.languages = ['fr', 'es'];
    raw.crisis.updatedAt = 'yesterday';
    delete raw.faqs[3].answer;
    raw.faqs[2].answer.de = '   ';
    raw.faqs[4].id = 'Schools!';
    raw.faqs[5].question = 'a string';
    raw.faqs[7].answer.en = 'x'.repeat(4001);
    raw.faqs[9].alternatives.fr = 'not a list';
    const problems = problemsOf(raw);
    expect(problems).toEqual(
      expect.arrayContaining([
        'format: must be "crisis-content/v1"',
        'crisis.slug: must be 3-64 characters among a-z, 0-9 and -',
        'crisis.languages[1]: must be one of fr, nl, de, en',
        expect.stringMatching(/^crisis\.updatedAt: must be an ISO 8601 date-time/),
        'faqs[3].answer: missing',
        'faqs[2].answer.de: empty',
        'faqs[4].id: must be 1-64 characters among a-z, 0-9 and -',
        'faqs[5].question: must be an object',
        'faqs[7].answer.en: too long (max 4000 characters)',
        'faqs[9].alternatives.fr: must be an array',
      ]),
    );
  });

  it.each([
    ['a bare http: address', 'The map is at http://evil.example/map.', '"http://evil.example/map."'],
    [
      'a bare www. address',
      'The map is at www.town.example/map.',
      '"www.town.example/map.": write it "https://www.town.example/map"',
    ],
    ['a bare address of another scheme', 'Download ftp://evil.example/x', '"ftp://evil.example/x"'],
  ])('refuses %s in a text, which Web Chat would show as a link', (_name, text, found) => {
    const raw = demo();
    raw.faqs[1].answer.en = text;
    expect(problemsOf(raw)).toEqual([
      `faqs[1].answer.en: links must point to an https: address (found ${found})`,
    ]);
  });

  it('accepts bare https addresses, www. ones included', () => {
    const raw = demo();
    raw.faqs[1].answer.en = 'See https://www.valmont.example/crise or https://valmont.example (en).';
    expect(validateContent(raw).ok).toBe(true);
  });

  it('refuses links that are not https', () => {
    const raw = demo();
    raw.faqs[1].links[0].url = 'http://www.valmont.example/crise';
    expect(problemsOf(raw)).toEqual(['faqs[1].links[0].url: must be an https URL']);
    raw.faqs[1].links[0].url = 'javascript:alert(1)';
    expect(problemsOf(raw)).toEqual(['faqs[1].links[0].url: must be an https URL']);
  });

  it('refuses duplicate entry ids, naming the first one', () => {
    const raw = demo();
    raw.faqs[4].id = 'stay-indoors';
    expect(problemsOf(raw)).toEqual(['faqs[4].id: duplicate of faqs[0].id "stay-indoors"']);
  });

  it('bounds the number of entries', () => {
    const raw = demo();
    raw.faqs = Array.from({ length: 501 }, (_, i) => ({ ...raw.faqs[0], id: `entry-${i}` }));
    expect(problemsOf(raw)).toEqual(['faqs: too many entries (max 500)']);
  });

  it('warns about a missing translation of a listed language instead of rejecting', () => {
    const raw = demo();
    delete raw.faqs[2].answer.de;
    delete raw.crisis.title.nl;
    const result = validateContent(raw);
    expect(result).toMatchObject({ ok: true });
    if (result.ok) {
      expect(result.warnings).toEqual([
        'crisis.title.nl: missing translation',
        'faqs[2].answer.de: missing translation',
      ]);
    }
  });

  it('rejects a text that exists in none of the listed languages', () => {
    const raw = demo();
    raw.crisis.languages = ['fr', 'nl'];
    raw.faqs[6].answer = { de: 'Nur auf Deutsch', en: 'English only' };
    expect(problemsOf(raw)).toEqual(['faqs[6].answer: missing in every listed language (fr, nl)']);
  });

  it('warns once per language when texts exist in a language that is not listed', () => {
    const raw = demo();
    raw.crisis.languages = ['fr', 'nl', 'de'];
    const result = validateContent(raw);
    expect(result.ok && result.warnings).toEqual([
      'crisis.languages: texts in en are present but en is not listed; they are not shown',
    ]);
  });

  it('rejects what is not a content file at all', () => {
    expect(problemsOf(null)).toEqual(['(file): must be an object']);
    expect(problemsOf({ format: 'crisis-content/v1' })).toEqual(['crisis: missing', 'faqs: missing']);
  });
});
