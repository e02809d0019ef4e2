import fs from 'node:fs';
import path from 'node:path';
import type { Lang } from '../../models';
import { projectRoot } from '../../bot/paths';
import { loadTemplates, templatesDir } from '../../knowledge';
import { contentPassages } from '../../knowledge/passages';
import { classifyInquiry, isPersonRequest } from '../../triage';
import { lexiconFor } from '../../triage/lexicon';

const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];
type LabelledSet = Record<Lang, { d2: string[]; d5: string[] }>;
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const fixture = <T>(name: string): T => readJson<T>(path.resolve(__dirname, '../fixtures', name));
/** The development sets live beside the exemplars: the D2 classifier is fitted on them too. */
const devSet = (name: string): LabelledSet =>
  readJson<LabelledSet>(path.resolve(__dirname, '../../triage/exemplars/sets', name));

interface Figures {
  d2: number;
  routed: number;
  unsure: number;
  d5: number;
  kept: number;
}

/** Routed = 'd2' or 'unsure' (the bot then asks whether the message is about someone affected). */
function figures(set: LabelledSet, langs: Lang[]): Figures {
  const f: Figures = { d2: 0, routed: 0, unsure: 0, d5: 0, kept: 0 };
  for (const lang of langs) {
    for (const text of set[lang].d2) {
      const { decision } = classifyInquiry(text, lang);
      f.d2++;
      if (decision !== 'd5') f.routed++;
      if (decision === 'unsure') f.unsure++;
    }
    for (const text of set[lang].d5) {
      f.d5++;
      if (classifyInquiry(text, lang).decision === 'd5') f.kept++;
    }
  }
  return f;
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;

function report(name: string, set: LabelledSet): Record<string, Figures> {
  const rows: Record<string, Figures> = {};
  for (const lang of LANGS) rows[lang] = figures(set, [lang]);
  rows.all = figures(set, LANGS);
  const lines = Object.entries(rows).map(
    ([key, f]) =>
      `${key.padEnd(4)} D2 recall ${pct(f.routed, f.d2).padStart(6)} (${f.routed}/${f.d2}, unsure ${pct(f.unsure, f.d2)})` +
      `   D5 kept ${pct(f.kept, f.d5).padStart(6)} (${f.kept}/${f.d5})`,
  );
  console.log(`${name}\n${lines.join('\n')}`);
  return rows;
}

/**
 * The product targets: at least 98% of D2 messages routed to the D2 flow and 90% of D5 questions
 * about people kept D5, on sets the lexicons were never tuned on (d2-holdout.json) and on the
 * development sets. d2-dev2.json was the first held-out set: measured as such at 94.3% / 92.9%
 * before its misses were read (README, "Known limits").
 */
describe.each([
  ['holdout', fixture<LabelledSet>('d2-holdout.json')],
  ['dev', devSet('d2-dev.json')],
  ['dev2 (former holdout)', devSet('d2-dev2.json')],
])('victim inquiry figures on the %s set', (name, set) => {
  const rows = report(`triage figures, ${name} set`, set);

  it.each([...LANGS, 'all'])('routes at least 98%% of D2 messages to the D2 flow (%s)', (key) => {
    const f = rows[key]!;
    expect(f.routed / f.d2).toBeGreaterThanOrEqual(key === 'all' ? 0.98 : 0.95);
  });

  it.each([...LANGS, 'all'])('keeps at least 90%% of D5 questions about people D5 (%s)', (key) => {
    const f = rows[key]!;
    expect(f.kept / f.d5).toBeGreaterThanOrEqual(0.9);
  });
});

describe('the demo questions', () => {
  const demo = fixture<{ cases: { text: string; lang: Lang; expect: { kind: string } }[] }>(
    'demo-questions.json',
  );
  const shared = path.resolve(__dirname, '../../../shared/content/demo-questions.json');
  const cases = fs.existsSync(shared)
    ? (JSON.parse(fs.readFileSync(shared, 'utf8')) as typeof demo).cases
    : demo.cases;

  it.each(cases.filter((c) => c.expect.kind === 'd2').map((c) => [c.lang, c.text] as const))(
    'classifies as d2: (%s) %s',
    (lang, text) => expect(classifyInquiry(text, lang).decision).toBe('d2'),
  );
  it.each(cases.filter((c) => c.expect.kind === 'handoff').map((c) => [c.lang, c.text] as const))(
    'recognises a person request: (%s) %s',
    (lang, text) => expect(isPersonRequest(text, lang)).toBe(true),
  );
  it('leaves the other demo questions to the FAQ', () => {
    const others = cases.filter((c) => c.expect.kind !== 'd2' && c.expect.kind !== 'handoff');
    const wrong = others.filter(
      (c) => classifyInquiry(c.text, c.lang).decision !== 'd5' || isPersonRequest(c.text, c.lang),
    );
    expect(wrong.map((c) => c.text)).toEqual([]);
  });
});

describe('classifyInquiry', () => {
  const decide = (text: string, lang: Lang) => classifyInquiry(text, lang).decision;

  it.each<[Lang, string, string]>([
    ['en', 'I cant reach my freind, she was at the staton', 'friend'],
    ['en', 'my daugther is misisng', 'daughter'],
    ['fr', 'mon epuox ne repond plus', 'epoux'],
    ['fr', 'ma soeur est blesee', 'blessee'],
    ['nl', 'mijn dochetr is vermist', 'dochter'],
    ['nl', 'ik kan mijn vriendinn niet bereiken', 'vriendin'],
    ['de', 'meine Tochter ist verschwunen', 'verschwunden'],
    ['de', 'mein Bruder ist nicht erreichbra', 'erreichbar'],
  ])('tolerates a one-letter typo in words of five letters or more (%s) %s', (lang, text, word) => {
    const result = classifyInquiry(text, lang);
    expect(result.decision).toBe('d2');
    expect(result.signals.some((s) => s.startsWith('typo:') && s.endsWith(`>${word}`))).toBe(true);
  });

  it.each<[Lang, string, boolean]>([
    ['en', 'the cellar is still full of water, who comes to pump it', true],
    ['fr', 'on peut boire l eau du robinet demain?', true],
    ['nl', 'mijn zoon werkt op de site', false],
    ['de', 'kein Kontakt seit heute Morgen', false],
    ['en', 'which hospital takes the injured?', false],
  ])('says whether it found nobody and nothing happening to anyone (%s) %s', (lang, text, silent) => {
    expect(classifyInquiry(text, lang).silent).toBe(silent);
  });

  it.each<[Lang, string, boolean]>([
    ['en', 'I keep vomiting since the smoke came, is that serious', true],
    ['fr', 'je tousse depuis l explosion, c est grave ?', true],
    ['nl', 'ik heb hoofdpijn sinds de brand, moet ik naar de dokter', true],
    ['de', 'die Kellertreppe steht unter Wasser, wer pumpt das ab', true],
    ['fr', 'ma fille tousse depuis l explosion', false],
    ['nl', 'hij neemt zijn telefoon niet op', false],
    ['de', 'kein Kontakt seit heute Morgen', false],
    ['en', 'looking for my flatmate', false],
  ])('says whether nobody but the writer can be the one affected (%s) %s', (lang, text, alone) => {
    expect(classifyInquiry(text, lang).aboutTheWriterAlone).toBe(alone);
  });

  it('does not take real words for typos of lexicon words', () => {
    const typos = (text: string, lang: Lang) =>
      classifyInquiry(text, lang).signals.filter((s) => s.startsWith('typo:'));
    expect(typos('la ville est fermée, la santé de ma tante ?', 'fr')).toEqual([]);
    expect(typos('wir kommen morgen um 8, sie ist schwanger', 'de')).toEqual([]);
    expect(decide('my parents arent sure if the school is open', 'en')).toBe('d5');
  });

  it.each<[Lang, string]>([
    ['de', 'stand im hochwasser und jetzt hab ich so nen roten ausschlag'],
    ['nl', 'de modder staat nog in de kelder'],
    ['fr', 'tout le monde s est mis a courir'],
    ['en', 'my son wants to film the burning heath'],
  ])(
    'reads a word of the language as itself, not as a lexicon word one letter away (%s) %s',
    (lang, text) => {
      expect(classifyInquiry(text, lang).signals.filter((s) => s.startsWith('typo:'))).toEqual([]);
    },
  );

  it('still reads a word of the language as another form of a lexicon word (Dutch d/t slip)', () => {
    const result = classifyInquiry('mijn zoon bloed uit zijn hoofd', 'nl');
    expect(result.signals).toContain('typo:bloed>bloedt');
  });

  it("never reads a word of the shipped templates as another word (only as another form of it, or with an elision: n'arrive)", async () => {
    const templates = await loadTemplates(templatesDir(projectRoot()));
    const corrections = [...templates.values()]
      .flatMap(({ content }) => contentPassages(content))
      .flatMap(({ lang, text }) =>
        classifyInquiry(text, lang)
          .signals.filter((s) => s.startsWith('typo:'))
          .map((signal) => `${lang} ${signal}`),
      );
    const otherWords = corrections.filter((correction) => {
      const [word, read] = correction.split(' typo:')[1]!.split('>') as [string, string];
      return word.slice(0, 4) !== read.slice(0, 4) && !word.endsWith(read);
    });
    expect(otherWords).toEqual([]);
  });

  it.each<[Lang, string, string]>([
    [
      'fr',
      "je n'arrive pas à joindre ma fille, elle était à l'usine",
      'j arrive pas a joindre ma fille elle etait a l usine',
    ],
    ['fr', 'mon père est blessé, il est à l’hôpital', 'mon pere est blesse il est a l hopital'],
    ['de', 'Mein Großvater ist unter den Verletzten', 'mein grossvater ist unter den verletzten'],
    ['de', 'meine Schwägerin ist tot?', 'meine schwagerin ist tot'],
    ['nl', 'mijn zoon is geëvacueerd en nu onbereikbaar', 'mijn zoon is geevacueerd en nu onbereikbaar'],
    ['en', "My fiancée's phone is off since the fire", 'my fiancee phone is off since the fire'],
  ])('reads text with and without accents, capitals and apostrophes alike (%s)', (lang, accented, plain) => {
    expect(decide(accented, lang)).toBe('d2');
    expect(decide(plain, lang)).toBe('d2');
  });

  it.each<[Lang, string]>([
    ['fr', "j'arrive pas a le joindre"],
    ['fr', 'elle ne répond plus'],
    ['nl', 'ik kan hem niet bereiken'],
    ['nl', 'hij neemt zijn telefoon al uren niet op'],
    ['de', 'er meldet sich nicht'],
    ['de', 'sie geht seit heute früh nicht ans Handy'],
    ['en', 'nobody can reach him'],
    ['en', "she doesn't answer"],
  ])('routes a lost contact even when the person is only a pronoun (%s) %s', (lang, text) => {
    expect(decide(text, lang)).not.toBe('d5');
  });

  it.each<[Lang, string]>([
    ['fr', 'mon mari travaille à l’usine'],
    ['nl', 'mijn vrouw was vanochtend aan het station'],
    ['de', 'meine Tochter war heute Morgen am Bahnhof'],
    ['en', 'my brother works at the plant'],
  ])('asks when someone was at the scene but nothing is said about them (%s) %s', (lang, text) => {
    expect(decide(text, lang)).toBe('unsure');
  });

  it.each<[Lang, string]>([
    ['fr', 'quel hôpital accueille les blessés ?'],
    ['nl', 'hoeveel doden zijn er?'],
    ['de', 'Wie viele Verletzte gibt es?'],
    ['en', 'which hospital are the injured taken to?'],
  ])('leaves harm said about nobody in particular to the FAQ (%s) %s', (lang, text) => {
    expect(decide(text, lang)).toBe('d5');
  });

  it.each<[Lang, string]>([
    ['fr', 'ma femme est coincée dans le bâtiment et ne peut pas sortir'],
    ['fr', 'mon fils saigne beaucoup'],
    ['nl', 'mijn vrouw zit vast in het gebouw en kan er niet uit'],
    ['nl', 'mijn vader is bewusteloos'],
    ['de', 'meine Frau ist im Gebäude eingeschlossen und kommt nicht raus'],
    ['de', 'mein Opa atmet nicht mehr'],
    ['en', 'my wife is trapped in the building and cannot get out'],
    ['en', "my son can't breathe"],
  ])('flags immediate danger as urgent and routes it (%s) %s', (lang, text) => {
    const result = classifyInquiry(text, lang);
    expect(result.urgent).toBe(true);
    expect(result.decision).toBe('d2');
  });

  it.each<[Lang, string]>([
    ['en', 'someone is trapped under a car'],
    ['de', 'da blutet jemand auf der Straße'],
  ])(
    'routes immediate danger even without a relative, so the citizen hears "call 112" (%s)',
    (lang, text) => {
      const result = classifyInquiry(text, lang);
      expect(result.urgent).toBe(true);
      expect(result.decision).not.toBe('d5');
    },
  );

  it.each<[Lang, string, string]>([
    ['fr', 'mon fils a de la fievre et vomit depuis le nuage', 'd2'],
    ['nl', 'mijn vrouw is ziek en duizelig sinds de brand', 'd2'],
    ['de', 'meine Tochter hat seit gestern Durchfall und Fieber', 'd2'],
    ['en', 'my dad keeps throwing up since the smoke', 'd2'],
    // A question beside the symptoms: ask first whether someone may be affected.
    ['de', 'mein Vater hat Fieber, was sollen wir machen?', 'unsure'],
    ['en', 'my mother is confused and feverish, what do we do?', 'unsure'],
    ['fr', 'jai respiré la fumée et depuis je tousse', 'unsure'],
    ['de', 'hab das Flutwasser geschluckt und mir ist übel', 'unsure'],
    // The writer's own symptom beside a question: the FAQ's health entry answers it.
    ['nl', 'mijn ogen branden van de rook, wat moet ik doen?', 'd5'],
    // Pupils, tenants, teammates, patients are people one asks about too.
    ['de', 'meine Schüler waren im Hallenbad als das Gas kam, einige husten immer noch', 'd2'],
    ['nl', 'onze huurder is overleden bij de brand', 'd2'],
    ['fr', "mon coéquipier s'est cassé la jambe pendant la bousculade", 'unsure'],
  ])('routes someone ill or exposed (%s) %s', (lang, text, decision) => {
    expect(decide(text, lang)).toBe(decision);
  });

  it.each<[Lang, string]>([
    ['fr', 'mon jardin est-il contaminé ?'],
    ['nl', 'is het water besmet?'],
    ['de', 'kann ich krank werden wenn ich das Fenster öffne?'],
    ['en', 'which symptoms should I watch for, a headache?'],
  ])('leaves questions about illness that name nobody to the FAQ (%s) %s', (lang, text) => {
    expect(decide(text, lang)).toBe('d5');
  });

  it.each<[Lang, string]>([
    ['fr', 'grand, veste rouge'],
    ['nl', 'aan het station rond 8 uur'],
    ['de', 'seine Mutter'],
    ['en', 'my son was injured yesterday'],
  ])('does not call a description or a past injury urgent (%s) %s', (lang, text) => {
    expect(classifyInquiry(text, lang).urgent).toBe(false);
  });

  it.each<[Lang, string]>([
    ['fr', 'mon chat a disparu depuis hier'],
    ['fr', 'mon chien est coincé dans le jardin'],
    ['nl', 'onze hond is vermist'],
    ['nl', 'ik kan mijn kat niet vinden'],
    ['de', 'unsere Katze ist verschwunden'],
    ['de', 'mein Hund ist verletzt'],
    ['en', 'my dog is missing'],
    ['en', 'I am looking for my cat, she ran off during the evacuation'],
  ])('does not count animals as persons (%s) %s', (lang, text) => {
    const result = classifyInquiry(text, lang);
    expect(result.decision).toBe('d5');
    expect(result.urgent).toBe(false);
  });

  it.each<[Lang, string]>([
    ['fr', 'le numéro vert ne répond pas'],
    ['nl', 'de infolijn neemt niet op'],
    ['de', 'ich suche eine Unterkunft für meine Familie'],
    ['en', "I'm looking for information about the schools"],
  ])('does not take a search for a thing or a service for a victim inquiry (%s) %s', (lang, text) => {
    expect(decide(text, lang)).toBe('d5');
  });

  it('loads each language once', () => {
    expect(lexiconFor('nl')).toBe(lexiconFor('nl'));
    expect(lexiconFor('nl')).not.toBe(lexiconFor('de'));
  });

  it('is fast enough to run on every message', () => {
    const dev = devSet('d2-dev.json');
    const messages = LANGS.flatMap((lang) =>
      [...dev[lang].d2, ...dev[lang].d5].map((text) => [text, lang] as const),
    );
    const rounds = 20;
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) for (const [text, lang] of messages) classifyInquiry(text, lang);
    const micros = Number(process.hrtime.bigint() - start) / 1000 / (rounds * messages.length);
    console.log(
      `classifyInquiry: ${micros.toFixed(1)} µs per message (${messages.length} messages × ${rounds})`,
    );
  });
});

describe('isPersonRequest', () => {
  it.each<[Lang, string]>([
    ['fr', "je veux parler à quelqu'un"],
    ['fr', 'une vraie personne svp'],
    ['fr', 'operateur'],
    ['fr', 'je voudrais parler a un conseillé'],
    ['nl', 'kan ik iemand spreken'],
    ['nl', 'medewerker aub'],
    ['nl', 'ik wil met een echte persoon praten'],
    ['nl', 'mederwerker'],
    ['de', 'Mensch bitte'],
    ['de', 'Mitarbeiter'],
    ['de', 'kann ich mit jemandem sprechen'],
    ['de', 'Mitarbieter bitte'],
    ['en', 'human please'],
    ['en', 'can I talk to a real person'],
    ['en', 'operater'],
    ['en', 'I want to speak to someone'],
    // No verb of talking: a human asked for, or a call back.
    ['de', 'bitte einen echten Menschen, das hier bringt nichts'],
    ['de', 'kann mich jemand zurückrufen'],
    ['nl', 'bel me terug aub'],
    ['fr', 'rappelez moi svp je comprends rien'],
    ['en', 'can someone call me back please'],
    // Writing to a person, being put through to one.
    ['de', 'gibt es einen Menschen, dem ich schreiben kann?'],
    ['en', 'please put me through to an operator'],
    // Turning from the bot to a person; colleagues and staff; phoning; SMS spellings.
    ['en', 'enough of this robot, is anybody from the council reading'],
    ['fr', 'marre de ce robot, qqn de la commune svp'],
    ['nl', 'ik wil geen robot maar iemand van de gemeente'],
    ['de', 'kein roboter bitte, jemand echtes'],
    ['en', 'could a staff member phone me this evening'],
    ['fr', 'est-ce qu un collegue peut me telephoner demain'],
    ['nl', 'kan een collega van u mij vandaag nog contacteren'],
    ['de', 'kann mich ein kollege von ihnen heute noch anrufen'],
    ['fr', 'y a moyen d avoir quelqu un au bout du fil'],
    ['en', 'human plz'],
    ['de', 'Vermittlung'],
  ])('recognises (%s) %s', (lang, text) => {
    expect(isPersonRequest(text, lang)).toBe(true);
  });

  it.each<[Lang, string]>([
    ['fr', "quelqu'un sait si l'eau du robinet est potable ?"],
    ['nl', 'iemand in mijn straat heeft rook gezien, moet ik binnen blijven?'],
    ['de', 'Meine Mutter will mit mir sprechen, darf sie kommen?'],
    ['en', 'can someone tell me if the water is safe to drink'],
    ['fr', 'ma mère doit me rappeler ce soir, le réseau marche ?'],
    ['nl', 'mijn zoon belt me terug als hij thuis is'],
    ['en', 'my son'],
    ['de', 'meine Tochter will mir schreiben, geht das Netz wieder?'],
    ['en', 'can you put through the road closures on the website?'],
    ['en', 'the washing machine is broken since the flood, can anyone repair it'],
    ['fr', 'qqn peut passer chercher mon chat ?'],
    ['nl', 'mijn collega vraagt of de trein morgen rijdt'],
    ['de', 'mein Kollege fragt, ob die Schule morgen offen ist'],
    ['en', 'thanks to the staff at the sports hall, they were great'],
  ])('does not take other messages for person requests (%s) %s', (lang, text) => {
    expect(isPersonRequest(text, lang)).toBe(false);
  });
});
