import { operationsFigures, realCrises, type LiveData } from '../../admin/operationsFigures';

const POLICY = {
  capacity: 3,
  target: { serviceLevel: 0.8, targetSeconds: 120 },
  arrivalWindowMs: 15 * 60_000,
  defaultHandleMs: 5 * 60_000,
};
const at = new Date('2026-12-04T12:00:00Z');
const ticket = (crisisSlug: string) => ({
  id: crisisSlug,
  crisisSlug,
  queue: 'd5' as const,
  lang: 'fr',
  state: 'waiting' as const,
  createdAt: new Date(at.getTime() - 60_000),
  claims: [],
});
const DATA: LiveData = {
  at,
  messages: [],
  tickets: [ticket('real-fire'), ticket('drill-flood'), ticket('drill-flood')],
  operators: [],
  crises: [
    { slug: 'real-fire', languages: ['fr'], exercise: false },
    { slug: 'drill-flood', languages: ['fr'], exercise: true },
  ],
};
const waitingFr = (slugs: string[]) =>
  operationsFigures(DATA, slugs, POLICY).queues.find((q) => q.queue === 'd5')!.waiting;

describe('exercises in the operations figures', () => {
  it('keeps only the real crises for "all together"', () => {
    expect(realCrises(DATA, ['drill-flood', 'real-fire'])).toEqual(['real-fire']);
  });

  it("flags an exercise's own figures, and never a real crisis's", () => {
    expect(operationsFigures(DATA, ['drill-flood'], POLICY).exercise).toBe(true);
    expect(waitingFr(['drill-flood'])).toBe(2);
    expect(operationsFigures(DATA, ['real-fire'], POLICY).exercise).toBe(false);
    expect(waitingFr(['real-fire'])).toBe(1);
  });

  it('refuses a scope that would mix an exercise with a real crisis', () => {
    expect(() => operationsFigures(DATA, ['real-fire', 'drill-flood'], POLICY)).toThrow(
      'exercises and real crises in one scope: drill-flood, real-fire',
    );
  });
});
