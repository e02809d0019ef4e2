import { normalize } from '../../semantic';
import type { ContentFile } from '../../knowledge';
import {
  builtInExemplars,
  classifyInquiry,
  faqExemplars,
  labelledSetExemplars,
  InquiryClassifier,
  personRequestExemplars,
  trainingExemplars,
  unnamedGeneralExemplars,
  UNNAMED_KIND,
  withSecondOpinion,
  type Exemplar,
  type InquiryClassification,
  type SemanticOpinion,
} from '../../triage';
import { POSSIBLE_AT, POSSIBLE_UNNAMED_AT, STRONG_AT } from '../../triage/inquiryClassifier';
import { ExemplarNeighbours } from '../../triage/exemplarNeighbours';
import { STACK_FEATURES, StackedRule, stackFeatures } from '../../triage/stackedRule';

const exemplar = (label: 'd2' | 'd5', i: number): Exemplar => ({
  lang: 'en',
  label,
  kind: label === 'd2' ? 'ill' : 'health',
  text: `${label} ${i}`,
});
/** A stacked rule that reads the classifier's logit alone, as it is. */
const logitAlone = new StackedRule(
  new Float32Array(STACK_FEATURES),
  new Float32Array(STACK_FEATURES).fill(1),
  Float32Array.from({ length: STACK_FEATURES }, (_, f) => (f === 0 ? 1 : 0)),
  0,
);
/** A classifier whose probability for the first axis is exactly `p` (up to float32). */
const never = { weights: Float32Array.of(0, 0), bias: -10 };
/** No exemplars to be near: the margin is nought. */
const noNeighbours = new ExemplarNeighbours(2, new Float32Array(0), new Uint8Array(0));
const reading = (p: number) => ({
  victim: { weights: Float32Array.of(Math.log(p / (1 - p)), 0), bias: 0 },
  rule: logitAlone,
  neighbours: noNeighbours,
});
const giving = (p: number) => new InquiryClassifier(reading(p), reading(p), never);
const plain = classifyInquiry('is the tap water safe to drink?', 'en');

describe('InquiryClassifier', () => {
  it('learns which directions of meaning make a victim inquiry', () => {
    // D2 exemplars around the first axis, general questions around the second.
    const d2 = [0, 1, 2, 3, 4].map((i) => normalize([1, 0.1 * i - 0.2]));
    const d5 = [0, 1, 2, 3, 4].map((i) => normalize([0.1 * i - 0.2, 1]));
    const classifier = InquiryClassifier.fit(
      [...d2.map((_, i) => exemplar('d2', i)), ...d5.map((_, i) => exemplar('d5', i))],
      [...d2, ...d5],
    );
    expect(classifier.opinion(normalize([1, 0.05]), plain).probability).toBeGreaterThan(STRONG_AT);
    // Named by nobody, so asked about first (the thresholds' test below).
    expect(classifier.opinion(normalize([1, 0.05]), plain).decision).toBe('unsure');
    expect(classifier.opinion(normalize([0.05, 1]), plain).probability).toBeLessThan(POSSIBLE_AT);
    expect(classifier.opinion(normalize([0.05, 1]), plain).decision).toBe('d5');
  });

  it('reads the nearest exemplars where no single direction of meaning tells inquiries apart', () => {
    // Victim inquiries on both sides of the first axis, general questions on both sides of the
    // second: no linear boundary separates them, the nearest exemplars do.
    const around = (x: number, y: number) =>
      Array.from({ length: 10 }, (_, i) =>
        normalize([x + (y === 0 ? 0.02 * i - 0.1 : 0), y + (x === 0 ? 0.02 * i - 0.1 : 0)]),
      );
    const d2 = [...around(1, 0), ...around(-1, 0)];
    const d5 = [...around(0, 1), ...around(0, -1)];
    const classifier = InquiryClassifier.fit(
      [...d2.map((_, i) => exemplar('d2', i)), ...d5.map((_, i) => exemplar('d5', i))],
      [...d2, ...d5],
    );
    for (const inquiry of [normalize([1, 0.03]), normalize([-1, -0.03])])
      expect(classifier.opinion(inquiry, plain).probability).toBeGreaterThanOrEqual(STRONG_AT);
    for (const general of [normalize([0.03, 1]), normalize([-0.03, -1])])
      expect(classifier.opinion(general, plain).decision).toBe('d5');
  });

  it('learns requests for a person from their own exemplars, and keeps them when read back', () => {
    // Victim inquiries around the first axis, general questions the second, requests for a person the third.
    const around = (axis: number) =>
      [0, 1, 2, 3].map((i) => normalize([0, 1, 2].map((d) => (d === axis ? 1 : 0.05 * i))));
    const requests = around(2).map((_, i): Exemplar => ({ ...exemplar('d5', i), kind: 'person-request' }));
    const classifier = InquiryClassifier.fit(
      [
        ...around(0).map((_, i) => exemplar('d2', i)),
        ...around(1).map((_, i) => exemplar('d5', i)),
        ...requests,
      ],
      [...around(0), ...around(1), ...around(2)],
    );
    const copy = InquiryClassifier.unpack(classifier.pack())!;
    for (const fitted of [classifier, copy]) {
      expect(fitted.opinion(normalize([0.1, 0.1, 1]), plain).personRequest).toBe(true);
      expect(fitted.opinion(normalize([0.1, 1, 0.1]), plain).personRequest).toBe(false);
      const inquiry = fitted.opinion(normalize([1, 0.1, 0.1]), plain);
      expect(inquiry.probability).toBeGreaterThanOrEqual(STRONG_AT);
      expect(inquiry.personRequest).toBe(false);
    }
    expect(copy.opinion(normalize([0.3, 0.2, 1]), plain)).toEqual(
      classifier.opinion(normalize([0.3, 0.2, 1]), plain),
    );
    expect(InquiryClassifier.unpack(classifier.pack().slice(1))).toBeUndefined();
    // The victim classifier learns nothing from them: the bot never asks it about a request.
    const withoutRequests = InquiryClassifier.fit(
      [...around(0).map((_, i) => exemplar('d2', i)), ...around(1).map((_, i) => exemplar('d5', i))],
      [...around(0), ...around(1)],
    );
    for (const reading of ['aboutSomeone', 'aboutNoOne'] as const) {
      expect(classifier[reading].victim).toEqual(withoutRequests[reading].victim);
      expect(classifier[reading].rule).toEqual(withoutRequests[reading].rule);
    }
  });

  it('reads a message the lexicon finds nobody in with what it learnt of general questions nobody is named in', () => {
    // Inquiries around the first axis, general questions the second; general questions in which
    // the lexicon finds nobody sit close to the inquiries, on the other side of the first axis.
    const around = (x: number, y: number) =>
      [0, 1, 2, 3, 4].map((i) => normalize([x + 0.02 * i, y + 0.02 * i]));
    const unnamed = around(1, -0.6).map((_, i): Exemplar => ({
      ...exemplar('d5', 10 + i),
      kind: UNNAMED_KIND,
    }));
    const exemplars = [
      ...around(1, 0).map((_, i) => exemplar('d2', i)),
      ...around(0, 1).map((_, i) => exemplar('d5', i)),
      ...unnamed,
    ];
    const classifier = InquiryClassifier.fit(exemplars, [
      ...around(1, 0),
      ...around(0, 1),
      ...around(1, -0.6),
    ]);
    const someone = classifyInquiry('my son was there', 'en');
    expect(plain.silent).toBe(true);
    expect(someone.silent).toBe(false);
    const copy = InquiryClassifier.unpack(classifier.pack())!;
    const near = normalize([1, -0.55]);
    for (const fitted of [classifier, copy]) {
      expect(fitted.opinion(near, plain).decision).toBe('d5');
      // A message naming someone is read as if those questions had never been learnt.
      expect(fitted.opinion(near, someone).probability).toBeGreaterThan(
        fitted.opinion(near, plain).probability,
      );
      expect(fitted.aboutSomeone.neighbours.size).toBe(10);
      expect(fitted.aboutNoOne.neighbours.size).toBe(15);
    }
    expect(copy.opinion(near, someone)).toEqual(classifier.opinion(near, someone));
  });

  const someone = classifyInquiry('my son works at the plant', 'en');
  const writer = classifyInquiry('I keep vomiting since the smoke came', 'en');
  it.each<[string, InquiryClassification, number, string]>([
    ['someone', someone, STRONG_AT + 0.001, 'd2'],
    ['someone', someone, STRONG_AT - 0.001, 'unsure'],
    ['someone', someone, POSSIBLE_AT + 0.001, 'unsure'],
    ['someone', someone, POSSIBLE_AT - 0.001, 'd5'],
    // Nobody but the writer: the intake at once only for someone else, the yes/no question here.
    ['nobody', plain, STRONG_AT + 0.001, 'unsure'],
    ['the writer alone', writer, STRONG_AT + 0.001, 'unsure'],
    ['nobody', plain, STRONG_AT - 0.001, 'unsure'],
    ['nobody', plain, POSSIBLE_UNNAMED_AT + 0.001, 'unsure'],
    ['nobody', plain, POSSIBLE_UNNAMED_AT - 0.001, 'd5'],
  ])('decides by the probability, for a message naming %s: %d gives %s', (_, lexicon, p, decision) => {
    const opinion = giving(p).opinion(normalize([1, 0]), lexicon);
    expect(opinion.probability).toBeCloseTo(p, 5);
    expect(opinion.decision).toBe(decision);
  });

  it('refuses exemplars without their vectors, and vectors of another model', () => {
    expect(() => InquiryClassifier.fit([exemplar('d2', 0)], [])).toThrow('0 vectors for 1 exemplars');
    expect(() => giving(0.5).opinion(new Float32Array(384), plain)).toThrow(
      'a vector of 384 dimensions for a classifier of 2',
    );
  });
});

describe('the exemplars the classifier is fitted on', () => {
  const template = (questions: string[]): ContentFile =>
    ({
      crisis: { languages: ['en'] },
      faqs: questions.map((q, i) => ({ id: `q${i}`, question: { en: q }, answer: { en: 'An answer.' } })),
    }) as unknown as ContentFile;

  it("take a template's questions as general ones, but none that reads as a victim inquiry", () => {
    const general = faqExemplars([
      template(['Is the tap water safe to drink?', 'My son is missing since the explosion, who do I call?']),
      template(['Is the tap water safe to drink?']),
    ]);
    expect(general).toEqual([
      { lang: 'en', label: 'd5', kind: 'faq', text: 'Is the tap water safe to drink?' },
    ]);
  });

  it('take the requests for a person as general questions of their own kind, in every language', () => {
    const requests = personRequestExemplars();
    for (const lang of ['fr', 'nl', 'de', 'en'] as const)
      expect(requests.filter((e) => e.lang === lang).length).toBeGreaterThanOrEqual(40);
    expect(requests.every((e) => e.label === 'd5' && e.kind === 'person-request')).toBe(true);
    expect(() => personRequestExemplars({ about: 'x', fr: ['un humain'] })).toThrow('person-requests.json');
  });

  it('add them to the written exemplars and the labelled sets once', () => {
    const written = [...builtInExemplars(), ...personRequestExemplars()];
    const labelled = labelledSetExemplars(written);
    const repeated = written.find((e) => e.lang === 'en' && e.label === 'd5')!.text;
    const alsoLabelled = labelled.find((e) => e.lang === 'en' && e.label === 'd5')!.text;
    const all = trainingExemplars(
      new Map([
        [
          'flood',
          { id: 'flood', content: template([repeated, alsoLabelled, 'Are the sandbags free of charge?']) },
        ],
        // A template the classifiers were not measured with adds nothing.
        ['new-kind', { id: 'new-kind', content: template(['Is the shelter open at night?']) }],
      ]),
    );
    const unnamed = unnamedGeneralExemplars([...written, ...labelled]);
    expect(all).toHaveLength(written.length + labelled.length + 1 + unnamed.length);
    expect(all.at(-unnamed.length - 1)).toMatchObject({
      kind: 'faq',
      text: 'Are the sandbags free of charge?',
    });
    expect(all.slice(-unnamed.length)).toEqual(unnamed);
  });

  it('take the general questions nobody is named in, as the lexicon reads them now, once each', () => {
    const unnamed = unnamedGeneralExemplars();
    for (const lang of ['fr', 'nl', 'de', 'en'] as const)
      expect(unnamed.filter((e) => e.lang === lang).length).toBeGreaterThan(300);
    expect(unnamed.every((e) => e.label === 'd5' && e.kind === UNNAMED_KIND)).toBe(true);
    const data = {
      about: 'x',
      en: {
        d2: ['my son was at the station'],
        d5: [
          'is the tap water safe',
          'IS THE TAP WATER SAFE',
          'can my mother drink the tap water',
          'cellar flooded who pumps',
        ],
      },
    };
    expect(unnamedGeneralExemplars([], data).map((e) => e.text)).toEqual([
      'is the tap water safe',
      'cellar flooded who pumps',
    ]);
    const written = {
      lang: 'en' as const,
      label: 'd5' as const,
      kind: 'crisis',
      text: 'Cellar flooded who pumps',
    };
    expect(unnamedGeneralExemplars([written], data).map((e) => e.text)).toEqual(['is the tap water safe']);
  });

  it('take the labelled sets as victim inquiries and general questions, in every language', () => {
    const labelled = labelledSetExemplars();
    for (const lang of ['fr', 'nl', 'de', 'en'] as const)
      for (const label of ['d2', 'd5'] as const)
        expect(labelled.filter((e) => e.lang === lang && e.label === label).length).toBeGreaterThan(100);
    const keys = labelled.map((e) => `${e.lang}|${e.text.toLowerCase()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('ExemplarNeighbours', () => {
  const neighbours = ExemplarNeighbours.of(
    [normalize([1, 0]), normalize([1, 0.2]), normalize([0, 1]), normalize([0.2, 1])],
    [1, 1, 0, 0],
  );

  it('says how much closer the nearest victim inquiries are than the nearest general questions', () => {
    expect(neighbours.margin(normalize([1, 0.1]))).toBeGreaterThan(50);
    expect(neighbours.margin(normalize([0.1, 1]))).toBeLessThan(-50);
    expect(neighbours.margin(normalize([1, 1]))).toBeCloseTo(0, 5);
  });

  it('refuses vectors and labels that do not match', () => {
    expect(() => new ExemplarNeighbours(2, new Float32Array(6), new Uint8Array(2))).toThrow(
      '3 exemplar vectors for 2 labels',
    );
  });
});

describe('StackedRule', () => {
  it('learns from the logit and the lexicon together, and reads back as it was fitted', () => {
    // Victim inquiries have a high logit or the lexicon's doubt; general questions neither.
    const lexicons = [
      classifyInquiry('my brother works at the plant', 'en'),
      classifyInquiry('is the tap water safe to drink?', 'en'),
    ];
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20; i++) {
      const doubt = i % 2 === 0;
      const d2 = i % 4 < 3;
      rows.push(stackFeatures(d2 && !doubt ? 3 : -3, 0, lexicons[doubt ? 0 : 1]!));
      labels.push(d2 ? 1 : 0);
    }
    const rule = StackedRule.fit(rows, labels);
    expect(rule.probability(stackFeatures(3, 0, lexicons[1]!))).toBeGreaterThan(0.5);
    expect(rule.probability(stackFeatures(-3, 0, lexicons[1]!))).toBeLessThan(0.5);
    const copy = StackedRule.unpack(Float32Array.from(rule.pack()));
    expect(copy.probability(rows[0]!)).toBe(rule.probability(rows[0]!));
  });

  it('refuses a rule of another shape', () => {
    expect(() => new StackedRule(new Float32Array(2), new Float32Array(2), new Float32Array(2), 0)).toThrow(
      `a stacked rule reads ${STACK_FEATURES} features`,
    );
  });
});

describe('withSecondOpinion', () => {
  const opinion = (decision: SemanticOpinion['decision'], probability = 0.4): SemanticOpinion => ({
    decision,
    probability,
    personRequest: false,
  });
  const d5 = classifyInquiry('is the tap water safe to drink?', 'en');
  const unsure = classifyInquiry('my brother works at the plant', 'en');

  it('takes the opinion, which read the lexicon too, up or down', () => {
    expect(withSecondOpinion(d5, opinion('unsure')).decision).toBe('unsure');
    expect(withSecondOpinion(d5, opinion('d2')).decision).toBe('d2');
    expect(withSecondOpinion(unsure, opinion('d2')).decision).toBe('d2');
    expect(unsure.urgent).toBe(false);
    expect(withSecondOpinion(unsure, opinion('d5', 0.1)).decision).toBe('d5');
  });

  it('never lowers a victim inquiry the lexicon recognised, nor an urgent doubt', () => {
    const sure = classifyInquiry('my brother is missing since the explosion', 'en');
    expect(sure.decision).toBe('d2');
    expect(withSecondOpinion(sure, opinion('d5', 0.01)).decision).toBe('d2');
    expect(withSecondOpinion(sure, opinion('unsure', 0.5)).decision).toBe('d2');
    const urgent = classifyInquiry('i cannot breathe', 'en');
    expect(urgent).toMatchObject({ decision: 'unsure', urgent: true });
    expect(withSecondOpinion(urgent, opinion('d5', 0.01)).decision).toBe('unsure');
    expect(withSecondOpinion(urgent, opinion('d2', 0.9)).decision).toBe('d2');
  });

  it('says what it thought', () => {
    const kept = withSecondOpinion(unsure, opinion('unsure'));
    expect(kept).toMatchObject({ decision: 'unsure', score: unsure.score, urgent: unsure.urgent });
    expect(kept.signals).toEqual([...unsure.signals, 'semantic:unsure:0.400']);
  });

  it('leaves the lexicon alone without an opinion', () => {
    expect(withSecondOpinion(unsure, undefined)).toBe(unsure);
  });
});
