import { parseLabelledMessages } from '../../triage';

describe('parseLabelledMessages', () => {
  it('reads a plain list', () => {
    expect(
      parseLabelledMessages([{ text: 'my son is missing', lang: 'en', d2: true, kind: 'missing' }], 'f'),
    ).toEqual([{ text: 'my son is missing', lang: 'en', d2: true }]);
  });

  it('reads a set by language', () => {
    expect(
      parseLabelledMessages(
        { about: 'x', nl: { d2: ['mijn zoon is vermist'], d5: ['is het water drinkbaar'] } },
        'f',
      ),
    ).toEqual([
      { lang: 'nl', text: 'mijn zoon is vermist', d2: true },
      { lang: 'nl', text: 'is het water drinkbaar', d2: false },
    ]);
  });

  it("reads a question file's victim inquiries, traps, general questions and requests for a person, and nothing else", () => {
    const cases = [
      { text: 'ma fille ne répond plus', lang: 'fr', expect: { kind: 'd2' } },
      {
        text: 'ma mère peut-elle encore recevoir des visites',
        lang: 'fr',
        expect: { kind: 'answer', faqId: 'a' },
        trap: true,
      },
      { text: "l'eau est potable ?", lang: 'fr', expect: { kind: 'answer', faqId: 'b' } },
      { text: 'je veux parler à quelqu’un', lang: 'fr', expect: { kind: 'handoff' } },
      { text: 'quel temps fera-t-il à Paris', lang: 'fr', expect: { kind: 'not-answer' } },
    ];
    expect(parseLabelledMessages({ cases }, 'f')).toEqual([
      { lang: 'fr', text: 'ma fille ne répond plus', d2: true, general: false },
      { lang: 'fr', text: 'ma mère peut-elle encore recevoir des visites', d2: false, general: false },
      { lang: 'fr', text: "l'eau est potable ?", d2: false, general: true },
      { lang: 'fr', text: 'je veux parler à quelqu’un', d2: false, general: false, personRequest: true },
    ]);
  });

  it('reads a set of requests for a person and messages close to them', () => {
    expect(
      parseLabelledMessages(
        { de: { request: ['Mensch bitte'], other: ['wen rufe ich wegen Sandsäcken an'] } },
        'f',
      ),
    ).toEqual([
      { lang: 'de', text: 'Mensch bitte', d2: false, personRequest: true },
      { lang: 'de', text: 'wen rufe ich wegen Sandsäcken an', d2: false, personRequest: false },
    ]);
  });

  it.each([
    ['something else', { hello: 'world' }],
    ['an unknown language', [{ text: 'hej', lang: 'sv', d2: true }]],
    ['an empty text', { en: { d2: [''], d5: [] } }],
  ])('refuses %s, naming the file', (_, data) => {
    expect(() => parseLabelledMessages(data, 'sets/bad.json')).toThrow(
      /^sets\/bad\.json: not a labelled set/,
    );
  });
});
