import { z } from 'zod';
import { LANGUAGES, type Lang } from '../models';
import { unsafeTextProblems } from './contentSafety';

/**
 * crisis-content/v1 (docs/content-format.md). Every object is strict so that a typo in a key is
 * reported instead of silently dropping text; every size is bounded so that one bad file cannot
 * bloat the database or the search index.
 */

export const CONTENT_LIMITS = {
  title: 200,
  summary: 2000,
  question: 300,
  alternative: 300,
  alternativesPerLanguage: 20,
  answer: 4000,
  linkLabel: 200,
  url: 2000,
  linksPerFaq: 10,
  faqs: 500,
} as const;
const LIMITS = CONTENT_LIMITS;

const lang = z.enum(LANGUAGES);

/** Every text is checked for content safety (light Markdown, no HTML, https: links only). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'empty')
    .max(max, `too long (max ${max} characters)`)
    .superRefine((value, ctx) => {
      for (const message of unsafeTextProblems(value)) ctx.addIssue({ code: 'custom', message });
    });

/** Text per language. A listed language that is missing is a warning, checked in `validateContent`. */
const localized = (max: number) => z.partialRecord(lang, text(max));

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9-]{3,64}$/, 'must be 3-64 characters among a-z, 0-9 and -');
export const faqIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, 'must be 1-64 characters among a-z, 0-9 and -');

const link = z.strictObject({
  label: localized(LIMITS.linkLabel),
  url: z
    .url({ protocol: /^https$/, error: 'must be an https URL' })
    .max(LIMITS.url, `too long (max ${LIMITS.url} characters)`),
});

const faq = z.strictObject({
  id: faqIdSchema,
  category: text(64),
  question: localized(LIMITS.question),
  alternatives: z
    .partialRecord(
      lang,
      z
        .array(text(LIMITS.alternative))
        .max(LIMITS.alternativesPerLanguage, `too many (max ${LIMITS.alternativesPerLanguage})`),
    )
    .optional(),
  answer: localized(LIMITS.answer),
  links: z.array(link).max(LIMITS.linksPerFaq, `too many (max ${LIMITS.linksPerFaq})`).optional(),
});

const crisis = z.strictObject({
  slug: slugSchema,
  title: localized(LIMITS.title),
  summary: localized(LIMITS.summary),
  authority: z.strictObject({
    name: text(200),
    // Belgian NIS code of the municipality; optional because an authority above municipal level has none.
    nis: z
      .string()
      .regex(/^\d{5}$/, 'must be a 5-digit NIS code')
      .optional(),
  }),
  infoNumber: z.string().regex(/^\+?[0-9][0-9 ./()-]{2,29}$/, 'must be a phone number'),
  languages: z
    .array(lang)
    .min(1, 'must list at least one language')
    .refine((list) => new Set(list).size === list.length, 'must not repeat a language'),
  updatedAt: z.iso.datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time, e.g. 2026-11-28T10:00:00Z',
  }),
});

/** One entry (`faqs[i]`) and the crisis block, for request bodies that edit parts of a file. */
export const faqSchema = faq;
export const crisisSchema = crisis;

export const contentSchema = z.strictObject({
  format: z.literal('crisis-content/v1', 'must be "crisis-content/v1"'),
  crisis,
  faqs: z
    .array(faq)
    .min(1, 'must hold at least one entry')
    .max(LIMITS.faqs, `too many entries (max ${LIMITS.faqs})`),
});

export type ContentFile = z.infer<typeof contentSchema>;
export type Faq = ContentFile['faqs'][number];
export type LocalizedText = Partial<Record<Lang, string>>;

export type ValidationResult =
  { ok: true; content: ContentFile; warnings: string[] } | { ok: false; problems: string[] };

/**
 * Checks a parsed content file. Lists every problem by its JSON path (`faqs[3].answer.nl: empty`)
 * so a communicator can fix a file in one pass; translations missing for a listed language are
 * warnings, because the bot can still answer in another language and say so.
 */
export function validateContent(raw: unknown): ValidationResult {
  const parsed = contentSchema.safeParse(raw, { reportInput: true });
  const problems = parsed.success ? [] : parsed.error.issues.flatMap(describeIssue);
  const warnings: string[] = [];
  // Cross-field rules run on the raw input too, so they are reported alongside structural problems.
  checkUniqueIds(raw, problems);
  checkTranslations(raw, problems, warnings);
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, content: parsed.data, warnings };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

function at(path: readonly PropertyKey[], message: string): string {
  return path.length === 0 ? `(file): ${message}` : `${formatPath(path)}: ${message}`;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => at([...issue.path, key], 'unknown key'));
    case 'invalid_type':
      return [at(issue.path, issue.input === undefined ? 'missing' : `must be ${article(issue.expected)}`)];
    case 'invalid_value':
      return [
        at(
          issue.path,
          issue.message.startsWith('must') ? issue.message : `must be one of ${issue.values.join(', ')}`,
        ),
      ];
    default:
      return [at(issue.path, issue.message)];
  }
}

function article(expected: string): string {
  const noun = expected === 'record' ? 'object' : expected;
  return /^[aeio]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rawFaqs(raw: unknown): unknown[] {
  return isRecord(raw) && Array.isArray(raw.faqs) ? raw.faqs : [];
}

function checkUniqueIds(raw: unknown, problems: string[]): void {
  const firstIndex = new Map<string, number>();
  rawFaqs(raw).forEach((faq, i) => {
    if (!isRecord(faq) || typeof faq.id !== 'string') return;
    const first = firstIndex.get(faq.id);
    if (first === undefined) firstIndex.set(faq.id, i);
    else problems.push(at(['faqs', i, 'id'], `duplicate of faqs[${first}].id "${faq.id}"`));
  });
}

function listedLanguages(raw: unknown): Lang[] {
  const listed = isRecord(raw) && isRecord(raw.crisis) ? raw.crisis.languages : undefined;
  if (!Array.isArray(listed)) return [];
  return LANGUAGES.filter((l) => listed.includes(l));
}

/** Every localized text a citizen may be shown, with its path. */
function localizedTexts(raw: unknown): [PropertyKey[], unknown][] {
  if (!isRecord(raw)) return [];
  const crisis = isRecord(raw.crisis) ? raw.crisis : {};
  const found: [PropertyKey[], unknown][] = [
    [['crisis', 'title'], crisis.title],
    [['crisis', 'summary'], crisis.summary],
  ];
  rawFaqs(raw).forEach((faq, i) => {
    if (!isRecord(faq)) return;
    found.push([['faqs', i, 'question'], faq.question], [['faqs', i, 'answer'], faq.answer]);
    if (!Array.isArray(faq.links)) return;
    faq.links.forEach((link: unknown, j) => {
      if (isRecord(link)) found.push([['faqs', i, 'links', j, 'label'], link.label]);
    });
  });
  return found;
}

function checkTranslations(raw: unknown, problems: string[], warnings: string[]): void {
  const listed = listedLanguages(raw);
  if (listed.length === 0) return; // the languages problem itself is reported by the schema
  const unlisted = new Set<Lang>();
  for (const [path, value] of localizedTexts(raw)) {
    if (!isRecord(value)) continue; // reported by the schema
    const has = (l: Lang) => typeof value[l] === 'string' && value[l].trim() !== '';
    const present = listed.filter(has);
    if (present.length === 0) {
      problems.push(at(path, `missing in every listed language (${listed.join(', ')})`));
      continue;
    }
    for (const l of listed) if (!has(l)) warnings.push(at([...path, l], 'missing translation'));
    for (const l of LANGUAGES) if (!listed.includes(l) && has(l)) unlisted.add(l);
  }
  // One warning per language rather than per text: the usual cause is one forgotten entry in the list.
  for (const l of unlisted) {
    warnings.push(
      at(['crisis', 'languages'], `texts in ${l} are present but ${l} is not listed; they are not shown`),
    );
  }
}
