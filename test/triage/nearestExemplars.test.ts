import { normalize } from '../../semantic';
import {
  classifyInquiry,
  ExemplarIndex,
  generalQuestions,
  withSecondOpinion,
  type Exemplar,
  type SemanticOpinion,
} from '../../triage';
import { CLEARLY_GENERAL_AT, NEAREST, POSSIBLE_AT, STRONG_AT } from '../../triage/nearestExemplars';

/** A unit vector at `cos` similarity to the first axis. */
const at = (cos: number) => normalize([cos, Math.sqrt(1 - cos * cos)]);
const exemplar = (label: 'd2' | 'd5', kind: string, i: number): Exemplar => ({
  lang: 'en',
  label,
  kind,
  text: `${kind} ${i}`,
});
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('ExemplarIndex', () => {
  const d2 = [0.95, 0.9, 0.5, 0.85, 0.1, 0.8, 0.92, 0.3];
  const d5 = [0.6, 0.97, 0.2, 0.88, 0.86, 0.4, 0.84, 0.83];
  const index = new ExemplarIndex(
    [...d2.map((_, i) => exemplar('d2', 'ill', i)), ...d5.map((_, i) => exemplar('d5', 'health', i))],
    [...d2, ...d5].map(at),
  );
  const top = (values: number[]) => mean([...values].sort((a, b) => b - a).slice(0, NEAREST));

  it('compares the nearest D2 exemplars with the nearest D5 ones', () => {
    const opinion = index.opinion(normalize([1, 0]));
    expect(opinion.margin).toBeCloseTo(top(d2) - top(d5), 6);
    expect(opinion.nearest).toBe('health');
  });

  it.each<[number, string]>([
    [STRONG_AT + 0.001, 'd2'],
    [STRONG_AT - 0.001, 'unsure'],
    [POSSIBLE_AT + 0.001, 'unsure'],
    [POSSIBLE_AT - 0.001, 'd5'],
  ])('decides by the margin (float32 vectors): %d gives %s', (margin, decision) => {
    const shifted = new ExemplarIndex(
      [exemplar('d2', 'ill', 0), exemplar('d5', 'health', 0)],
      [at(0.5 + margin), at(0.5)],
    );
    expect(shifted.opinion(normalize([1, 0])).decision).toBe(decision);
  });

  it("counts the crisis's general questions among the D5 side", () => {
    const message = normalize([1, 0]);
    const alone = index.opinion(message);
    const withFaq = index.opinion(message, [at(0.99), at(0.98)]);
    expect(withFaq.margin).toBeCloseTo(top(d2) - top([...d5, 0.99, 0.98]), 6);
    expect(withFaq.margin).toBeLessThan(alone.margin);
    expect(withFaq.nearest).toBe('faq');
  });

  it('takes as general only the FAQ questions that do not read as victim inquiries', () => {
    const [victimLike, general] = [normalize([1, 0]), normalize([0, 1])];
    const plain = new ExemplarIndex(
      [exemplar('d2', 'ill', 0), exemplar('d5', 'health', 0)],
      [victimLike, general],
    );
    const question = (text: string, vector: Float32Array) => ({
      passage: { lang: 'en' as const, text },
      vector,
    });
    const kept = generalQuestions(plain, [
      question('Is the tap water safe to drink?', general),
      // Worded as a victim inquiry: the lexicon says D2.
      question('My son is missing since the explosion, who do I call?', general),
      // Close to the D2 exemplars: its margin is at least STRONG_AT.
      question('What happens now?', victimLike),
    ]);
    expect(kept).toEqual([general]);
  });

  it('refuses vectors that do not match the exemplars', () => {
    expect(() => new ExemplarIndex([exemplar('d2', 'ill', 0)], [])).toThrow('0 vectors for 1 exemplars');
  });
});

describe('withSecondOpinion', () => {
  const opinion = (decision: SemanticOpinion['decision'], margin = 0.02): SemanticOpinion => ({
    decision,
    margin,
    nearest: 'ill',
  });
  const d5 = classifyInquiry('is the tap water safe to drink?', 'en');
  const unsure = classifyInquiry('my brother works at the plant', 'en');

  it('routes a message either signal flags, the stronger decision winning', () => {
    expect(withSecondOpinion(d5, opinion('unsure')).decision).toBe('unsure');
    expect(withSecondOpinion(d5, opinion('d2')).decision).toBe('d2');
    expect(withSecondOpinion(unsure, opinion('d2')).decision).toBe('d2');
  });

  it("lowers only the lexicon's doubt, and only for a message clearly among general questions", () => {
    expect(unsure.urgent).toBe(false);
    expect(withSecondOpinion(unsure, opinion('d5', CLEARLY_GENERAL_AT)).decision).toBe('d5');
    expect(withSecondOpinion(unsure, opinion('d5', CLEARLY_GENERAL_AT + 0.001)).decision).toBe('unsure');
    const sure = classifyInquiry('my brother is missing since the explosion', 'en');
    expect(sure.decision).toBe('d2');
    expect(withSecondOpinion(sure, opinion('d5', -0.5)).decision).toBe('d2');
    const urgent = classifyInquiry('i cannot breathe', 'en');
    expect(urgent).toMatchObject({ decision: 'unsure', urgent: true });
    expect(withSecondOpinion(urgent, opinion('d5', -0.5)).decision).toBe('unsure');
  });

  it('otherwise never lowers the lexicon, and says what it thought', () => {
    const kept = withSecondOpinion(unsure, opinion('d5'));
    expect(kept).toMatchObject({ decision: 'unsure', score: unsure.score, urgent: unsure.urgent });
    expect(kept.signals).toEqual([...unsure.signals, 'semantic:d5:ill:0.020']);
  });

  it('leaves the lexicon alone without an opinion', () => {
    expect(withSecondOpinion(unsure, undefined)).toBe(unsure);
  });
});
