import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { PassageVectorsModel } from '../../models';
import { Retriever, validateContent, type ContentFile, type Lang } from '../../knowledge';
import { semanticIndexOf } from '../../knowledge/contentVectors';
import { everydayQuestions } from '../../knowledge/everydayQuestions';
import { decideHybrid, EVERYDAY_MARGIN } from '../../knowledge/hybridDecision';
import type { Embedder } from '../../semantic';
import { useTestDatabase } from '../helpers/db';
import { testEmbedder } from '../helpers/embedder';

const logger = pino({ level: 'silent' });

function demo(): ContentFile {
  const file = path.resolve(__dirname, '../../content/demo-chemical-fire.json');
  const result = validateContent(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.content;
}

/** The demo with only French texts: any other language can be understood by meaning alone. */
function frenchOnly(content: ContentFile): ContentFile {
  const fr = <T>(text: Partial<Record<Lang, T>>) => ({ fr: text.fr! });
  return {
    ...content,
    crisis: { ...content.crisis, languages: ['fr'] },
    faqs: content.faqs.map((faq) => ({
      ...faq,
      question: fr(faq.question),
      answer: fr(faq.answer),
      alternatives: faq.alternatives ? fr(faq.alternatives) : undefined,
      links: faq.links?.map((l) => ({ ...l, label: fr(l.label) })),
    })),
  };
}

/** Counts the content texts it embeds, to show when stored vectors are reused. */
function counting(embedder: Embedder, model = embedder.model) {
  let passages = 0;
  const counted: Embedder = {
    model,
    embedQuery: (text) => embedder.embedQuery(text),
    embedPassages: (texts, options) => {
      passages += texts.length;
      return embedder.embedPassages(texts, options);
    },
    status: () => embedder.status(),
    stats: () => embedder.stats(),
  };
  return { embedder: counted, passages: () => passages };
}

describe('hybrid retrieval with the embedded model', () => {
  useTestDatabase();
  const embedder = testEmbedder();
  let retriever: Retriever;

  beforeAll(async () => {
    retriever = new Retriever(demo());
    retriever.useMeaning(await semanticIndexOf(demo(), embedder, logger));
  }, 120_000);

  const search = async (text: string, lang: Lang) =>
    retriever.search(text, lang, await embedder.embedQuery(text));

  it.each([
    ['can I take the dog for a quick walk around the block', 'en', 'pets-livestock'],
    ['Darf mein Kind morgen zum Unterricht?', 'de', 'schools'],
    ['kan ik het water uit de kraan gewoon drinken', 'nl', 'drinking-water'],
  ] as const)('answers a paraphrase by its meaning: %s', async (text, lang, faqId) => {
    const outcome = await search(text, lang);
    expect(outcome.semantic).toBe(true);
    expect(outcome.decision).toBe('answer');
    expect(outcome.best?.faqId).toBe(faqId);
  });

  it.each([
    ['who won the football match yesterday', 'en'],
    ['wie laat sluit de bakker vandaag', 'nl'],
  ] as const)('answers no off-topic question: %s', async (text, lang) => {
    const outcome = await search(text, lang);
    expect(outcome.decision).not.toBe('answer');
    if (outcome.decision === 'clarify') expect(outcome.candidates.length).toBeGreaterThanOrEqual(2);
  });

  it('without a question vector, searches by words alone as before', () => {
    const outcome = retriever.search('Sind die Schulen geschlossen?', 'de');
    expect(outcome.semantic).toBe(false);
    expect(outcome.best?.faqId).toBe('schools');
  });

  it('understands a language the content does not have, across languages', async () => {
    const french = frenchOnly(demo());
    const onlyFrench = new Retriever(french);
    onlyFrench.useMeaning(await semanticIndexOf(french, embedder, logger));
    const text = 'Are the schools open tomorrow?';
    expect(onlyFrench.search(text, 'en').decision).not.toBe('answer');
    const outcome = onlyFrench.search(text, 'en', await embedder.embedQuery(text));
    expect(outcome.best?.faqId).toBe('schools');
    expect(onlyFrench.getFaq('schools', 'en')?.lang).toBe('fr');
  }, 120_000);

  it('stores a content’s vectors once and reuses them; another model makes its own', async () => {
    const content = { ...demo(), faqs: demo().faqs.slice(0, 3) };
    const first = counting(embedder);
    await semanticIndexOf(content, first.embedder, logger);
    expect(first.passages()).toBeGreaterThan(0);
    const again = counting(embedder);
    await semanticIndexOf(content, again.embedder, logger);
    expect(again.passages()).toBe(0);
    const other = counting(embedder, 'another-model');
    await semanticIndexOf(content, other.embedder, logger);
    expect(other.passages()).toBe(first.passages());
    expect(await PassageVectorsModel.countDocuments({ model: 'another-model' })).toBe(1);
  }, 120_000);
});

describe('the hybrid decision rule', () => {
  const entries = (...similarities: number[]) => ({
    entries: similarities.map((similarity, i) => ({ faqId: `e${i}`, similarity })),
    closestPassages: ['e0', 'e1', 'e0', 'e1', 'e2', 'e3', 'e0', 'e1'],
  });

  it('answers when one entry clearly stands out', () => {
    const outcome = decideHybrid(
      { entries: entries(0.95, 0.8, 0.79, 0.78).entries, closestPassages: Array(8).fill('e0') as string[] },
      [{ faqId: 'e0', confidence: 0.9 }],
      'can the dog go out',
    );
    expect(outcome.decision).toBe('answer');
    expect(outcome.best.faqId).toBe('e0');
  });

  it('offers options instead of answering a question closer to an everyday question than to any entry', () => {
    const clearLead = {
      entries: entries(0.9, 0.8, 0.79, 0.78).entries,
      closestPassages: Array(8).fill('e0') as string[],
    };
    const words = [{ faqId: 'e0', confidence: 0.9 }];
    const question = 'is the library open on monday';
    const nearlyEveryday = decideHybrid(
      { ...clearLead, everyday: 0.9 + EVERYDAY_MARGIN - 0.001 },
      words,
      question,
    );
    expect(nearlyEveryday.decision).toBe('answer');
    const everyday = decideHybrid({ ...clearLead, everyday: 0.9 + EVERYDAY_MARGIN + 0.001 }, words, question);
    expect(everyday.decision).toBe('clarify');
    expect(everyday.candidates.map((c) => c.faqId)).toEqual(['e0', 'e1', 'e2']);
  });

  it('offers a choice of at least two entries when two are as close, never a single option', () => {
    const outcome = decideHybrid(
      entries(0.88, 0.879, 0.82, 0.8),
      [],
      'is the primary school in the centre open again tomorrow',
    );
    expect(outcome.decision).toBe('clarify');
    expect(outcome.candidates.map((c) => c.faqId)).toEqual(['e0', 'e1', 'e2']);
  });

  it('finds nothing when no entry stands out at all', () => {
    const flat = Array.from({ length: 8 }, (_, i) => ({ faqId: `e${i}`, similarity: 0.8 }));
    const outcome = decideHybrid(
      { entries: flat, closestPassages: flat.map((e) => e.faqId) },
      [],
      'what now',
    );
    expect(outcome.decision).toBe('none');
    expect(outcome.candidates).toEqual([]);
  });

  it('trusts a lead more in a long question, whose similarities sit closer together', () => {
    const ranking = entries(0.86, 0.84, 0.82, 0.8);
    const short = decideHybrid(ranking, [], 'water safe');
    const long = decideHybrid(
      ranking,
      [],
      'we live two streets from the river and the cellar is full, is the water from the tap still safe to drink',
    );
    expect(long.best.faqId).toBe(short.best.faqId);
    expect(long.best.confidence).toBeGreaterThan(short.best.confidence);
  });
});

describe('the everyday questions', () => {
  it('are read in every language from the shipped file', () => {
    const shipped = everydayQuestions();
    expect(shipped.length).toBeGreaterThanOrEqual(4 * 10);
    expect(new Set(shipped).size).toBe(shipped.length);
  });

  it('refuse a file of the wrong shape, naming it', () => {
    expect(() => everydayQuestions({ about: 'x', fr: ['is the library open'], nl: [], de: ['a'] })).toThrow(
      /everyday-questions\.json: .*(nl|en)/,
    );
  });
});
