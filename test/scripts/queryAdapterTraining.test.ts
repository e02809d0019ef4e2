import { queryAdapterFor } from '../../knowledge/queryAdapter';
import { SemanticIndex } from '../../knowledge/semanticIndex';
import { normalize } from '../../semantic';
import { earlyStoppingEpochs, trainAdapter, type TrainingCrisis } from '../../scripts/queryAdapterTraining';

/**
 * Two entries whose passages lie on the first two axes. Questions about either sit nearer the
 * first; only the sign of the third coordinate tells them apart, which a linear map can learn.
 */
const passages = [
  { faqId: 'shelter', lang: 'en' as const, text: 'shelter' },
  { faqId: 'water', lang: 'en' as const, text: 'water' },
];
const passageVectors = [normalize([1, 0, 0]), normalize([0, 1, 0])];
const aboutShelter = (x: number) => normalize([0.7, 0.5 + x, -0.5]);
const aboutWater = (x: number) => normalize([0.7, 0.5 + x, 0.5]);
const crisis: TrainingCrisis = {
  passages: passageVectors,
  entryOf: [0, 1],
  questions: [0, 0.05, 0.1].flatMap((x) => [
    { vector: aboutShelter(x), entry: 0 },
    { vector: aboutWater(x), entry: 1 },
  ]),
  pseudoQuestions: [],
};
const best = (index: SemanticIndex, question: Float32Array) => index.rank(question, 1).entries[0]!.faqId;

describe('query adapter training', () => {
  it('learns a map that ranks the right entry first, also for a question it did not see', () => {
    const plain = new SemanticIndex(passages, passageVectors);
    expect(best(plain, aboutWater(0.02))).toBe('shelter');

    const adapter = trainAdapter('model-a', [crisis], 300);
    const adapted = new SemanticIndex(passages, passageVectors, queryAdapterFor('model-a', adapter));
    expect(best(adapted, aboutWater(0.02))).toBe('water');
    expect(best(adapted, aboutShelter(0.02))).toBe('shelter');
  });

  it('stops where the questions of the validation crises were best ranked', () => {
    const epochs = earlyStoppingEpochs([crisis], [crisis]);
    expect(epochs).toBeGreaterThan(1);
    expect(epochs).toBeLessThanOrEqual(200);
  });
});
