import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES, Retriever, validateContent, type ContentFile } from '../../knowledge';

/**
 * The generic crisis templates in content/templates/ (the starting content an authority picks at
 * activation): each must be a complete, warning-free content file in all four languages, and the
 * retriever must tell its entries apart — asked an entry's own question, it answers from that entry.
 */
const templatesDir = path.resolve(__dirname, '../../content/templates');
const files = fs
  .readdirSync(templatesDir)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(file: string): ContentFile {
  const result = validateContent(JSON.parse(fs.readFileSync(path.join(templatesDir, file), 'utf8')));
  if (!result.ok) throw new Error(`${file}: ${result.problems.join('; ')}`);
  return result.content;
}

it('ships the generic crisis templates', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'chemical-incident.json',
      'flood.json',
      'large-fire.json',
      'mass-casualty.json',
      'nuclear-alert.json',
      'power-outage.json',
      'public-order.json',
      'transport-accident.json',
    ]),
  );
});

it('gives every template its own slug', () => {
  const slugs = files.map((f) => load(f).crisis.slug);
  expect(new Set(slugs).size).toBe(slugs.length);
});

describe.each(files)('template %s', (file) => {
  it('validates without problems or warnings', () => {
    const result = validateContent(JSON.parse(fs.readFileSync(path.join(templatesDir, file), 'utf8')));
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('is named template-<file> and lists all four languages', () => {
    const { crisis } = load(file);
    expect(crisis.slug).toBe(`template-${path.basename(file, '.json')}`);
    expect([...crisis.languages].sort()).toEqual([...LANGUAGES].sort());
  });

  it('has a question, an answer and alternatives in every language for every entry', () => {
    const gaps: string[] = [];
    for (const faq of load(file).faqs) {
      for (const lang of LANGUAGES) {
        if (!faq.question[lang]?.trim()) gaps.push(`${faq.id}.question.${lang}`);
        if (!faq.answer[lang]?.trim()) gaps.push(`${faq.id}.answer.${lang}`);
        if ((faq.alternatives?.[lang] ?? []).length === 0) gaps.push(`${faq.id}.alternatives.${lang}`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it("answers each entry's own question from that entry, in every language", () => {
    const content = load(file);
    const retriever = new Retriever(content);
    const misses: string[] = [];
    for (const faq of content.faqs) {
      for (const lang of LANGUAGES) {
        const question = faq.question[lang]!;
        const outcome = retriever.search(question, lang);
        if (outcome.decision !== 'answer' || outcome.best?.faqId !== faq.id) {
          misses.push(`${lang} "${question}" → ${outcome.decision} ${outcome.best?.faqId ?? '-'}`);
        }
      }
    }
    expect(misses).toEqual([]);
  });

  it('never answers an anticipated phrasing from another entry', () => {
    const content = load(file);
    const retriever = new Retriever(content);
    const wrong: string[] = [];
    for (const faq of content.faqs) {
      for (const lang of LANGUAGES) {
        for (const alternative of faq.alternatives?.[lang] ?? []) {
          const outcome = retriever.search(alternative, lang);
          if (outcome.decision === 'answer' && outcome.best?.faqId !== faq.id) {
            wrong.push(`${lang} "${alternative}" (${faq.id}) → ${outcome.best?.faqId}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
