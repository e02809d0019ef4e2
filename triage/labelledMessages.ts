import { z } from 'zod';
import type { Lang } from '../models';

/** A message whose triage is known: what the classifier learns from and what eval:triage measures. */
export interface LabelledMessage {
  lang: Lang;
  text: string;
  d2: boolean;
  /** An answerable question of a question file: neither a victim inquiry nor a trap. */
  general?: boolean;
  /** Set in person-request sets: a request for a person (true) or a message close to one (false). */
  personRequest?: boolean;
}

const lang = z.enum(['fr', 'nl', 'de', 'en']);
const text = z.string().trim().min(1);
/** `{ "about"?, "fr"?: set, "nl"?: set, "de"?: set, "en"?: set }`: a set of messages per language. */
function perLang<Set extends z.ZodType>(set: Set) {
  return z.object({
    about: z.string().optional(),
    fr: set.optional(),
    nl: set.optional(),
    de: set.optional(),
    en: set.optional(),
  });
}
/** `{ "fr": { "d2": [...], "d5": [...] }, ... }`, as triage/exemplars/sets/d2-dev.json. */
const byLang = perLang(z.object({ d2: z.array(text), d5: z.array(text) }));
/** A question file (`npm run eval`'s shape): D2 cases, traps, and answerable questions. */
const questionFile = z.object({
  cases: z.array(
    z.object({ text, lang, expect: z.object({ kind: z.string() }), trap: z.boolean().optional() }),
  ),
});
/** `{ "fr": { "request": [...], "other": [...] }, ... }`: requests for a person and messages close to them. */
const personRequests = perLang(z.object({ request: z.array(text), other: z.array(text) }));
/** A plain list: `[{ "text", "lang", "d2": true | false }]`. */
const list = z.array(z.object({ text, lang, d2: z.boolean() }));

/**
 * The labelled messages of a file in any of the four shapes; a file of none of them is an error
 * naming it. From a question file: its D2 cases, its traps (general questions about people), its
 * other answerable questions (`general`) and its requests for a person.
 */
export function parseLabelledMessages(data: unknown, name: string): LabelledMessage[] {
  const asList = list.safeParse(data);
  if (asList.success) return asList.data.map(({ lang, text, d2 }) => ({ lang, text, d2 }));
  const asQuestions = questionFile.safeParse(data);
  if (asQuestions.success)
    return asQuestions.data.cases
      .filter((c) => ['d2', 'answer', 'handoff'].includes(c.expect.kind) || c.trap === true)
      .map((c) => ({
        lang: c.lang,
        text: c.text,
        d2: c.expect.kind === 'd2',
        general: c.expect.kind === 'answer' && c.trap !== true,
        ...(c.expect.kind === 'handoff' ? { personRequest: true } : {}),
      }));
  const asRequests = personRequests.safeParse(data);
  if (asRequests.success && hasLang(asRequests.data))
    return eachLang(asRequests.data, (set, l) => [
      ...set.request.map((t) => ({ lang: l, text: t, d2: false, personRequest: true })),
      ...set.other.map((t) => ({ lang: l, text: t, d2: false, personRequest: false })),
    ]);
  const asLangs = byLang.safeParse(data);
  if (!asLangs.success || !hasLang(asLangs.data))
    throw new Error(
      `${name}: not a labelled set: expected a list of { text, lang, d2 }, a question file ({ cases }), { fr: { d2, d5 }, ... } or { fr: { request, other }, ... }`,
    );
  return eachLang(asLangs.data, (set, l) => [
    ...set.d2.map((t) => ({ lang: l, text: t, d2: true })),
    ...set.d5.map((t) => ({ lang: l, text: t, d2: false })),
  ]);
}

function hasLang(sets: Partial<Record<Lang, unknown>>): boolean {
  return lang.options.some((l) => sets[l] !== undefined);
}

/** The messages of a per-language file, language by language. */
function eachLang<Set>(
  sets: Partial<Record<Lang, Set>>,
  messages: (set: Set, l: Lang) => LabelledMessage[],
): LabelledMessage[] {
  return lang.options.flatMap((l) => {
    const set = sets[l];
    return set === undefined ? [] : messages(set, l);
  });
}
