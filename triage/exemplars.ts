import { z } from 'zod';
import type { ContentFile } from '../knowledge/contentSchema';
import { contentQuestions } from '../knowledge/passages';
import { textsByLanguage } from '../knowledge/textsByLanguage';
import type { CrisisTemplate } from '../knowledge/templates';
import type { Lang } from '../models';
import { parseLabelledMessages } from './labelledMessages';
import { classifyInquiry } from './victimInquiry';
import de from './exemplars/de.json';
import en from './exemplars/en.json';
import fr from './exemplars/fr.json';
import nl from './exemplars/nl.json';
import d2Dev from './exemplars/sets/d2-dev.json';
import d2Dev2 from './exemplars/sets/d2-dev2.json';
import d2Dev3 from './exemplars/sets/d2-dev3.json';
import d2Dev4 from './exemplars/sets/d2-dev4.json';
import d2Dev5 from './exemplars/sets/d2-dev5.json';
import d2Dev6 from './exemplars/sets/d2-dev6.json';
import d2Dev7 from './exemplars/sets/d2-dev7.json';
import d2Dev8 from './exemplars/sets/d2-dev8.json';
import d2Dev9 from './exemplars/sets/d2-dev9.json';
import d2Dev10 from './exemplars/sets/d2-dev10.json';
import d2Dev11 from './exemplars/sets/d2-dev11.json';
import d2Dev12 from './exemplars/sets/d2-dev12.json';
import d2Dev13 from './exemplars/sets/d2-dev13.json';
import d2Dev14 from './exemplars/sets/d2-dev14.json';
import d2Validation1 from './exemplars/sets/d2-validation1.json';
import d2Validation2 from './exemplars/sets/d2-validation2.json';
import d2Validation3 from './exemplars/sets/d2-validation3.json';
import d2Validation4 from './exemplars/sets/d2-validation4.json';
import d2Validation5 from './exemplars/sets/d2-validation5.json';
import d2Validation6 from './exemplars/sets/d2-validation6.json';
import d2Validation7 from './exemplars/sets/d2-validation7.json';
import generalDev from './exemplars/sets/general-dev.json';
import personRequests from './exemplars/person-requests.json';

/** What a D2 exemplar says about someone: every kind of victim inquiry the product must recognise. */
export const D2_KINDS = [
  'missing',
  'unreachable',
  'hurt',
  'ill',
  'contaminated',
  'hospitalised',
  'dead',
  /** the writer themself hurt, ill or in danger */
  'self',
] as const;
/** General questions, most of them naming a relative: what the D2 exemplars must not pull in. */
export const D5_KINDS = ['relatives', 'health', 'animals', 'crisis'] as const;
const LANGS: Lang[] = ['fr', 'nl', 'de', 'en'];

export type ExemplarLabel = 'd2' | 'd5';
/** The kind of the D5 exemplars that ask for a person instead of the bot (person-requests.json). */
export const PERSON_REQUEST_KIND = 'person-request';
/**
 * The kind of the general questions in which the lexicon finds nobody (sets/general-dev.json):
 * learnt only by the reading of messages the lexicon finds nothing in (InquiryClassifier).
 */
export const UNNAMED_KIND = 'unnamed';
export interface Exemplar {
  lang: Lang;
  label: ExemplarLabel;
  kind: string;
  text: string;
}

const texts = z.array(z.string().trim().min(3)).min(1);
const kinds = <K extends string>(names: readonly K[]) =>
  z.strictObject(Object.fromEntries(names.map((k) => [k, texts])) as Record<K, typeof texts>);
const fileSchema = z.strictObject({ d2: kinds(D2_KINDS), d5: kinds(D5_KINDS) });

/** Two exemplars of one language whose texts differ only in case are the same. */
const sameText = ({ lang, text }: Pick<Exemplar, 'lang' | 'text'>) => `${lang}|${text.toLowerCase()}`;

/**
 * The exemplar files (triage/exemplars/{lang}.json) as one list. A file of the wrong shape, or a
 * text listed twice (within a language, or as both D2 and D5), is an error naming the place.
 */
export function parseExemplars(files: Record<Lang, unknown>): Exemplar[] {
  const exemplars: Exemplar[] = [];
  const seen = new Map<string, string>();
  for (const lang of LANGS) {
    const parsed = fileSchema.safeParse(files[lang]);
    if (!parsed.success)
      throw new Error(`exemplars ${lang}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
    for (const label of ['d2', 'd5'] as const) {
      for (const [kind, list] of Object.entries<string[]>(parsed.data[label])) {
        for (const text of list) {
          const where = `${lang} ${label}.${kind}`;
          const key = sameText({ lang, text });
          const earlier = seen.get(key);
          if (earlier) throw new Error(`exemplars ${where}: "${text}" is already in ${earlier}`);
          seen.set(key, where);
          exemplars.push({ lang, label, kind, text });
        }
      }
    }
  }
  return exemplars;
}

let builtIn: Exemplar[] | undefined;

/** The exemplars shipped with the bot, parsed once. */
export function builtInExemplars(): Exemplar[] {
  builtIn ??= parseExemplars({ fr, nl, de, en });
  return builtIn;
}

/**
 * The labelled development and validation sets (triage/exemplars/sets/, FIT.md): messages written
 * as citizens type, victim inquiries and general questions about people, as exemplars of kind
 * `labelled`, once each and none already `among`.
 */
export function labelledSetExemplars(among: readonly Exemplar[] = []): Exemplar[] {
  const sets = {
    d2Dev,
    d2Dev2,
    d2Dev3,
    d2Dev4,
    d2Dev5,
    d2Dev6,
    d2Dev7,
    d2Dev8,
    d2Validation1,
    d2Validation2,
    d2Validation3,
    d2Validation4,
    d2Validation5,
    d2Validation6,
    d2Validation7,
    // After the validation sets: the order the classifier was measured with (its folds follow it).
    d2Dev9,
    // Rounds 17-21's sets last, as the classifier was measured with them (FIT.md, fifteenth session).
    d2Dev10,
    d2Dev11,
    d2Dev12,
    d2Dev13,
    d2Dev14,
  };
  return onceEach(
    among,
    Object.entries(sets).flatMap(([name, data]) =>
      parseLabelledMessages(data, name).map(({ lang, text, d2 }): Exemplar => ({
        lang,
        label: d2 ? 'd2' : 'd5',
        kind: 'labelled',
        text,
      })),
    ),
  );
}

/**
 * The general questions of crisis content (every FAQ question and anticipated phrasing, in every
 * language) as D5 exemplars of kind `faq`, once each and none already `among`: what the questions
 * of a crisis look like, beside the exemplars written for triage. A phrasing the lexicon takes for
 * a victim inquiry ("who do I call about a missing person?") is left out: it would teach that
 * such messages are general.
 */
export function faqExemplars(contents: readonly ContentFile[], among: readonly Exemplar[] = []): Exemplar[] {
  const general = contents
    .flatMap(contentQuestions)
    .filter(({ lang, text }) => classifyInquiry(text, lang).decision !== 'd2');
  return onceEach(
    among,
    general.map(({ lang, text }): Exemplar => ({ lang, label: 'd5', kind: 'faq', text })),
  );
}

/**
 * The development crises' general questions in which the lexicon finds nobody and nothing that
 * happens to anyone (sets/general-dev.json), as D5 exemplars of kind UNNAMED_KIND, once each and
 * none already `among`. Read through the lexicon as it is now: a question it has since learnt to
 * find someone in is left out, as the classifier would never read such a message with them.
 */
export function unnamedGeneralExemplars(
  among: readonly Exemplar[] = [],
  data: unknown = generalDev,
): Exemplar[] {
  const unnamed = parseLabelledMessages(data, 'general-dev.json').filter(
    ({ lang, text, d2 }) => !d2 && classifyInquiry(text, lang).silent,
  );
  return onceEach(
    among,
    unnamed.map(({ lang, text }): Exemplar => ({ lang, label: 'd5', kind: UNNAMED_KIND, text })),
  );
}

/** The `candidates` once each (in order, case aside) and none already `among`. */
function onceEach(among: readonly Exemplar[], candidates: readonly Exemplar[]): Exemplar[] {
  const seen = new Set(among.map(sameText));
  return candidates.filter((exemplar) => {
    const key = sameText(exemplar);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Messages that ask for a person instead of the bot (triage/exemplars/person-requests.json), as
 * D5 exemplars of kind `person-request`: not victim inquiries, and what the person-request
 * classifier learns to tell from every other exemplar. A file of the wrong shape is an error.
 */
export function personRequestExemplars(data: unknown = personRequests): Exemplar[] {
  const byLanguage = textsByLanguage(data, 'person-requests.json');
  return LANGS.flatMap((lang) =>
    byLanguage[lang].map((text) => ({ lang, label: 'd5' as const, kind: PERSON_REQUEST_KIND, text })),
  );
}

/**
 * The shipped templates whose questions the classifiers are fitted on: those they were measured
 * with. A template added later changes the triage only once a measurement says it should; the
 * mass-casualty, nuclear-alert and transport-accident templates did not (FIT.md).
 */
export const TRIAGE_TEMPLATES: readonly string[] = [
  'chemical-incident',
  'flood',
  'large-fire',
  'power-outage',
  'public-order',
];

/**
 * What the triage classifiers are fitted on: the exemplars, the requests for a person, the
 * labelled sets, the questions of the TRIAGE_TEMPLATES and, last, the general questions in which
 * the lexicon finds nobody.
 */
export function trainingExemplars(templates: ReadonlyMap<string, CrisisTemplate>): Exemplar[] {
  const written = [...builtInExemplars(), ...personRequestExemplars()];
  const labelled = labelledSetExemplars(written);
  const contents = [...templates.values()]
    .filter((t) => TRIAGE_TEMPLATES.includes(t.id))
    .map((t) => t.content);
  const faq = faqExemplars(contents, [...written, ...labelled]);
  return [...written, ...labelled, ...faq, ...unnamedGeneralExemplars([...written, ...labelled, ...faq])];
}
