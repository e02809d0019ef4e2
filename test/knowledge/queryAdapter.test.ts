import { EMBEDDED_MODEL_NAME } from '../../embedded';
import fit from '../../knowledge/retrieval-fit/fit.json';
import { encodeMatrix, queryAdapterFor, type QueryAdapter } from '../../knowledge/queryAdapter';
import { SemanticIndex } from '../../knowledge/semanticIndex';
import { normalize } from '../../semantic';

/**
 * Two entries in two dimensions: the question points at "wells", and the adapter (which adds the
 * first coordinate to the second) turns it towards "indoors".
 */
const passages = [
  { faqId: 'wells', lang: 'en' as const, text: 'garden wells' },
  { faqId: 'indoors', lang: 'en' as const, text: 'stay indoors' },
];
const vectors = [normalize([1, 0]), normalize([0.6, 0.8])];
const question = normalize([1, 0]);
const turning: QueryAdapter = {
  model: 'model-a',
  dims: 2,
  matrix: encodeMatrix(Float32Array.from([0, 0, 1, 0])),
};

describe('query adapter', () => {
  it('moves the question before ranking when it was fitted for the model', () => {
    const plain = new SemanticIndex(passages, vectors).rank(question, 1);
    const adapted = new SemanticIndex(passages, vectors, queryAdapterFor('model-a', turning)).rank(
      question,
      1,
    );
    expect(plain.entries[0]!.faqId).toBe('wells');
    expect(adapted.entries[0]!.faqId).toBe('indoors');
    expect(adapted.entries[0]!.similarity).toBeCloseTo((0.6 + 0.8) / Math.SQRT2, 5);
  });

  it('is ignored for another model, which ranks with its own vectors', () => {
    const adapter = queryAdapterFor('model-b', turning);
    expect(adapter).toBeUndefined();
    expect(new SemanticIndex(passages, vectors, adapter).rank(question, 1).entries[0]!.faqId).toBe('wells');
  });

  it('is stored for the model the retrieval rule was fitted with, the embedded one', () => {
    expect(fit.model).toBe(EMBEDDED_MODEL_NAME);
    expect(queryAdapterFor(EMBEDDED_MODEL_NAME)?.dims).toBe(384);
    expect(queryAdapterFor('multilingual-e5-small')).toBeUndefined();
  });

  it('refuses a vector of another size', () => {
    expect(() => new SemanticIndex(passages, vectors, turning).rank(normalize([1, 0, 0]), 1)).toThrow(
      /3-dimension/,
    );
  });
});
