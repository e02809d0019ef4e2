import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Lang } from '../models';
import { unsafeTextProblems } from './contentSafety';
import { detectLanguage } from './language';

/** Why a text written by the language model may not be shown; codes only, so logs never hold texts. */
export type TextProblem =
  'no-citation' | 'unknown-citation' | 'wrong-language' | 'foreign-phone' | 'foreign-link' | 'unsafe-text';

/** What a generated answer may rely on: the entries the model was given. */
export interface SourceEntry {
  id: string;
  question: string;
  answer: string;
  links: { url: string }[];
}

/** Digit runs with separators, as phone numbers are written ("0800 12 345", "+32 (0)2 123.45.67"). */
const NUMBER_RUN = /\+?\d[\d ./()-]*\d/g;
/** Fewer digits are house numbers, hours, bus lines: only longer runs can be phone numbers. */
const MIN_PHONE_DIGITS = 6;
/** Web addresses with a scheme or starting with www. (Markdown links included). */
const URL = /\b(?:https?:\/\/|www\.)[^\s<>()[\]"'`]+/gi;
/** Where the crisis centre's numbers are written without their country code. */
const HOME_COUNTRY = 'BE';

/**
 * A phone number's identity: the national number when it parses ("+32 800 12 345" and
 * "0800 12 345" are one number), else its digits.
 */
function phoneKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const run of text.match(NUMBER_RUN) ?? []) {
    const digits = run.replace(/\D/g, '');
    if (digits.length < MIN_PHONE_DIGITS) continue;
    const phone = parsePhoneNumberFromString(run, HOME_COUNTRY);
    keys.add(phone?.isPossible() ? String(phone.nationalNumber) : digits);
  }
  return keys;
}

function normalUrl(url: string): string {
  return url
    .replace(/[.,;:!?]+$/, '')
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

function urls(text: string): Set<string> {
  return new Set((text.match(URL) ?? []).map(normalUrl));
}

/**
 * Phone numbers and web addresses in `text` that none of `sources` holds: a model must not invent
 * (or be talked into) a number to call or a site to visit.
 */
export function unsupportedReferences(text: string, sources: string[]): TextProblem[] {
  const source = sources.join('\n');
  const problems: TextProblem[] = [];
  const knownPhones = phoneKeys(source);
  if ([...phoneKeys(text)].some((key) => !knownPhones.has(key))) problems.push('foreign-phone');
  const knownUrls = urls(source);
  if ([...urls(text)].some((url) => !knownUrls.has(url))) problems.push('foreign-link');
  return problems;
}

/** The texts of an entry a generated text may repeat numbers and addresses from. */
export function entryTexts(entry: SourceEntry): string[] {
  return [entry.question, entry.answer, ...entry.links.map((link) => link.url)];
}

/**
 * Checks a generated answer before a citizen sees it: it cites only entries it was given (at least
 * one), it is in the citizen's language, it is safe to show (no HTML, https links only) and holds
 * no phone number or web address that the cited entries do not.
 */
export function answerProblems(answer: {
  text: string;
  lang: Lang;
  cited: string[];
  given: SourceEntry[];
}): TextProblem[] {
  const problems: TextProblem[] = [];
  const cited = answer.given.filter((entry) => answer.cited.includes(entry.id));
  if (answer.cited.length === 0) problems.push('no-citation');
  if (answer.cited.some((id) => !answer.given.some((entry) => entry.id === id))) {
    problems.push('unknown-citation');
  }
  if (detectLanguage(answer.text) !== answer.lang) problems.push('wrong-language');
  if (unsafeTextProblems(answer.text).length > 0) problems.push('unsafe-text');
  problems.push(...unsupportedReferences(answer.text, cited.flatMap(entryTexts)));
  return problems;
}
