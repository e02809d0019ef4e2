import { TermAnalyzer, foldAccents, tokenize } from '../../knowledge/textAnalysis';

describe('foldAccents', () => {
  it('lowercases and strips diacritics, expanding ß and ligatures', () => {
    expect(foldAccents('ÉCOLE Müller Straße Œuvre Ægis ça')).toBe('ecole muller strasse oeuvre aegis ca');
  });
});

describe('tokenize', () => {
  it('splits elisions, hyphens and punctuation, and keeps numbers and identifiers', () => {
    expect(tokenize("L'eau, j'ai qu’il week-end N63 24h/24")).toEqual([
      'eau',
      'ai',
      'qu',
      'il',
      'week',
      'end',
      'n63',
      '24h',
      '24',
    ]);
  });
});

describe('TermAnalyzer', () => {
  it('drops stopwords, including question words, modal verbs and elided heads', () => {
    expect(new TermAnalyzer('fr').words("Qu'est-ce que je peux faire quand il pleut ?")).toEqual([['pleut']]);
    expect(new TermAnalyzer('nl').words('Mag ik even naar buiten?')).toEqual([['buit']]);
    expect(new TermAnalyzer('de').words('Wann darf ich wieder raus?')).toEqual([['raus']]);
    expect(new TermAnalyzer('en').words('When can I go outside?')).toEqual([['outsid']]);
  });

  it('keeps words that the generic German list would drop but that carry meaning', () => {
    expect(new TermAnalyzer('de').words('Schule morgen offen?')).toEqual([['schul'], ['morg'], ['off']]);
  });

  it.each([
    ['fr', 'fenêtres', 'fenetres'],
    ['fr', 'fermées', 'fermees'],
    ['fr', 'école', 'ecole'],
    ['de', 'Straße', 'strasse'],
    ['de', 'Gemüse', 'gemuse'],
    ['nl', 'geëvacueerd', 'geevacueerd'],
  ] as const)(
    'in %s, a question typed without accents meets the indexed word: %s / %s',
    (lang, indexed, typed) => {
      const analyzer = new TermAnalyzer(lang);
      expect(analyzer.indexTerms(indexed)).toEqual(expect.arrayContaining(analyzer.queryTerms(typed)));
    },
  );

  it('stems inflections together, per language', () => {
    const stem = (lang: 'fr' | 'nl' | 'de' | 'en', word: string) =>
      new TermAnalyzer(lang).queryTerms(word)[0];
    expect(stem('fr', 'écoles')).toBe(stem('fr', 'école'));
    expect(stem('nl', 'scholen')).toBe(stem('nl', 'school'));
    expect(stem('de', 'Schulen')).toBe(stem('de', 'Schule'));
    expect(stem('en', 'windows')).toBe(stem('en', 'window'));
  });

  it('splits German and Dutch compounds into parts the content uses', () => {
    const de = new TermAnalyzer('de', [
      'Ist das Leitungswasser trinkbar?',
      'Wasser aus dem Hahn',
      'Liegt meine Straße im Gebiet?',
    ]);
    expect(de.indexTerms('Leitungswasser')).toEqual(['leitungswass', 'wass']);
    expect(de.words('Mühlenstraße Sperrgebiet')).toEqual([
      ['muhlenstrass', 'strass'],
      ['sperrgebiet', 'gebiet'],
    ]);
    const nl = new TermAnalyzer('nl', ['Is het kraantjeswater drinkbaar?', 'Water van de kraan']);
    expect(nl.indexTerms('kraantjeswater')).toEqual(['kraantjeswater', 'water', 'kran']);
  });

  it('does not split compounds in French or English, nor into unknown parts', () => {
    expect(new TermAnalyzer('en', ['sand and bags']).indexTerms('sandbags')).toEqual(['sandbag']);
    expect(new TermAnalyzer('de', ['nichts Bekanntes']).words('Fußballspiel')).toEqual([['fussballspiel']]);
  });
});
