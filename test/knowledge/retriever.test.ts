import fs from 'node:fs';
import path from 'node:path';
import { Retriever, validateContent, type ContentFile, type Lang } from '../../knowledge';

/** A content file of the project (`content/…`), validated. */
function content(file: string): ContentFile {
  const raw = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../content', file), 'utf8'));
  const result = validateContent(raw);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.content;
}

const demo = () => content('demo-chemical-fire.json');
const template = (name: string) => content(`templates/${name}.json`);

describe('Retriever', () => {
  const retriever = new Retriever(demo());
  const answer = (text: string, lang: Lang) => {
    const outcome = retriever.search(text, lang);
    return outcome.decision === 'answer' ? outcome.best?.faqId : `(${outcome.decision})`;
  };

  it.each([
    ['Les écoles sont-elles fermées ?', 'fr'],
    ['Zijn de scholen gesloten?', 'nl'],
    ['Sind die Schulen geschlossen?', 'de'],
    ['Are schools closed?', 'en'],
  ] as const)('answers an entry asked as written: %s', (text, lang) => {
    expect(answer(text, lang)).toBe('schools');
  });

  it.each([
    ['les ecoles sont elles fermees', 'fr', 'schools'],
    ['leau du robinet potable', 'fr', 'drinking-water'],
    ['sind die schulen geschlosen', 'de', 'schools'],
    ['ist das leitungswaser trinkbar', 'de', 'drinking-water'],
    ['zijn de scholen gesloote', 'nl', 'schools'],
    ['are scools closed', 'en', 'schools'],
    ['is tap watter safe to drink', 'en', 'drinking-water'],
  ] as const)('tolerates missing accents and typos: %s', (text, lang, faqId) => {
    expect(answer(text, lang)).toBe(faqId);
  });

  it.each([
    ['what about the horses', 'en', 'pets-livestock'],
    ['wo kann ich übernachten', 'de', 'reception-centre'],
    ['où trouver un hébergement', 'fr', 'reception-centre'],
    ['wo gibt es neuigkeiten', 'de', 'updates'],
  ] as const)(
    "answers through a related word when the content never uses the citizen's: %s",
    (text, lang, faqId) => {
      expect(answer(text, lang)).toBe(faqId);
    },
  );

  it('does so in other crises too (power-outage template: "Empfang" and "Handy" for the phone entry)', () => {
    const outcome = new Retriever(template('power-outage')).search('kein Empfang auf dem Handy', 'de');
    expect(outcome.decision === 'answer' && outcome.best?.faqId).toBe('phone-emergency-calls');
  });

  it('finds a word inside a compound, and a road number in an answer', () => {
    expect(answer('Gehört die Mühlenstraße zum Sperrgebiet?', 'de')).toBe('confinement-zone');
    expect(answer('N63?', 'en')).toBe('roads-transport');
  });

  it.each([
    ['who won the football match yesterday', 'en'],
    ['Wer hat gestern das Fußballspiel gewonnen?', 'de'],
    ['qui a gagné le match de foot hier', 'fr'],
    ['wie heeft de voetbalwedstrijd gewonnen', 'nl'],
    ['', 'en'],
    ['?!', 'fr'],
  ] as const)('answers nothing when nothing meaningful matched: %s', (text, lang) => {
    expect(retriever.search(text, lang)).toEqual({
      decision: 'none',
      candidates: [],
      nearest: [],
      lang,
      ranked: [],
      semantic: false,
    });
  });

  it('asks to choose when several entries fit equally well', () => {
    const outcome = retriever.search('fermées', 'fr');
    expect(outcome.decision).toBe('clarify');
    expect(outcome.candidates.map((c) => c.faqId).sort()).toEqual([
      'roads-transport',
      'schools',
      'stay-indoors',
    ]);
  });

  it('keeps confidences in [0, 1], best first, with at most three candidates', () => {
    for (const text of ['water', 'zone', 'Are schools closed?', 'smoke eyes water windows zone school']) {
      const { best, candidates } = retriever.search(text, 'en');
      expect(candidates.length).toBeLessThanOrEqual(3);
      const confidences = candidates.map((c) => c.confidence);
      expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
      for (const c of confidences) expect(c >= 0 && c <= 1).toBe(true);
      if (candidates[0]) expect(best).toEqual(candidates[0]);
    }
  });

  it('returns an entry in the language asked for, with its links', () => {
    expect(retriever.getFaq('confinement-zone', 'nl')).toEqual({
      id: 'confinement-zone',
      category: 'safety',
      question: 'Welke zone valt onder de schuilmaatregel?',
      answer: expect.stringContaining('De zone omvat 2 km'),
      links: [{ label: 'Kaart van de zone', url: 'https://www.valmont.example/crise' }],
      lang: 'nl',
    });
    expect(retriever.getFaq('no-such-entry', 'nl')).toBeUndefined();
  });
});

describe('Retriever with languages missing', () => {
  const content = demo();
  content.crisis.languages = ['fr', 'nl', 'en'];
  delete content.faqs.find((f) => f.id === 'schools')!.answer.nl;
  const retriever = new Retriever(content);

  it('falls back to another language of the crisis for an entry that lacks one, and says which', () => {
    const faq = retriever.getFaq('schools', 'nl');
    expect(faq?.lang).toBe('fr');
    expect(faq?.answer).toMatch(/^Les écoles de la zone/);
    expect(faq?.question).toBe('Zijn de scholen gesloten?');
    expect(retriever.search('Zijn de scholen gesloten?', 'nl')).toMatchObject({
      decision: 'answer',
      lang: 'nl',
    });
  });

  it('searches the crisis languages when it lacks the citizen language, reporting the one used', () => {
    const outcome = retriever.search('Sind die Schulen geschlossen? N63', 'de');
    expect(['fr', 'nl', 'en']).toContain(outcome.lang);
    expect(outcome.best?.faqId).toBe('roads-transport');
    expect(retriever.getFaq('schools', 'de')?.lang).toBe('fr');
  });

  it('never shows a text in a language the crisis does not list', () => {
    expect(retriever.getFaq('drinking-water', 'de')?.lang).not.toBe('de');
  });
});
