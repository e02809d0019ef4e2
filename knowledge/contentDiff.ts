import { LANGUAGES, type Lang } from '../models';
import type { ContentFile, Faq } from './contentSchema';

/** One changed field; localized fields change language by language. Absent is `null`. */
export interface FieldChange {
  field: string;
  lang?: Lang;
  before: unknown;
  after: unknown;
}

export interface ContentDiff {
  /** Entry ids only in the newer content, in its order. */
  added: string[];
  /** Entry ids only in the older content, in its order. */
  removed: string[];
  /** Entries in both whose content differs, in the newer content's order. */
  changed: { id: string; changes: FieldChange[] }[];
  /** Changes of the crisis block (title, summary, infoNumber, languages, authority). */
  crisis: FieldChange[];
  /** Whether the entries present in both appear in a different order. */
  reordered: boolean;
}

/** JSON with object keys sorted, so that equal content compares equal whatever its key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

type Localized<T> = Partial<Record<Lang, T>> | undefined;

function localizedChanges<T>(
  field: string,
  before: Localized<T>,
  after: Localized<T>,
  empty: (value: T | undefined) => boolean = (value) => value === undefined,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const lang of LANGUAGES) {
    const b = before?.[lang];
    const a = after?.[lang];
    const bEmpty = empty(b);
    const aEmpty = empty(a);
    if (bEmpty && aEmpty) continue;
    if (!bEmpty && !aEmpty && stableJson(b) === stableJson(a)) continue;
    changes.push({ field, lang, before: bEmpty ? null : b, after: aEmpty ? null : a });
  }
  return changes;
}

function wholeChange(field: string, before: unknown, after: unknown): FieldChange[] {
  return stableJson(before) === stableJson(after) ? [] : [{ field, before, after }];
}

/** What differs between two versions of one entry (its id aside). */
export function diffEntry(before: Faq, after: Faq): FieldChange[] {
  return [
    ...wholeChange('category', before.category, after.category),
    ...localizedChanges('question', before.question, after.question),
    ...localizedChanges<string[]>(
      'alternatives',
      before.alternatives,
      after.alternatives,
      (list) => !list || list.length === 0,
    ),
    ...localizedChanges('answer', before.answer, after.answer),
    ...wholeChange('links', before.links ?? [], after.links ?? []),
  ];
}

type CrisisTexts = Pick<ContentFile['crisis'], 'title' | 'summary' | 'infoNumber'>;

/** What differs in the crisis texts a communicator edits (title, summary, info number). */
export function diffCrisisTexts(before: CrisisTexts | undefined, after: CrisisTexts): FieldChange[] {
  return [
    ...localizedChanges('title', before?.title, after.title),
    ...localizedChanges('summary', before?.summary, after.summary),
    ...wholeChange('infoNumber', before?.infoNumber ?? null, after.infoNumber),
  ];
}

/** What a content file changes from another; `before` undefined means from nothing. */
export function diffContent(before: ContentFile | undefined, after: ContentFile): ContentDiff {
  const old = new Map((before?.faqs ?? []).map((faq) => [faq.id, faq]));
  const now = new Map(after.faqs.map((faq) => [faq.id, faq]));
  const changed: ContentDiff['changed'] = [];
  for (const faq of after.faqs) {
    const previous = old.get(faq.id);
    const changes = previous ? diffEntry(previous, faq) : [];
    if (changes.length > 0) changed.push({ id: faq.id, changes });
  }
  const common = (faqs: Faq[], other: Map<string, Faq>) =>
    faqs.filter((faq) => other.has(faq.id)).map((faq) => faq.id);
  const b = before?.crisis;
  const a = after.crisis;
  return {
    added: after.faqs.filter((faq) => !old.has(faq.id)).map((faq) => faq.id),
    removed: (before?.faqs ?? []).filter((faq) => !now.has(faq.id)).map((faq) => faq.id),
    changed,
    crisis: [
      ...diffCrisisTexts(b, a),
      ...wholeChange('languages', b?.languages ?? null, a.languages),
      ...wholeChange('authority', b?.authority ?? null, a.authority),
    ],
    reordered: stableJson(common(before?.faqs ?? [], now)) !== stableJson(common(after.faqs, old)),
  };
}

export function isEmptyDiff(diff: ContentDiff): boolean {
  return (
    diff.added.length === 0 &&
    diff.removed.length === 0 &&
    diff.changed.length === 0 &&
    diff.crisis.length === 0 &&
    !diff.reordered
  );
}
