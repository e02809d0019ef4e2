import { setTimeout as sleep } from 'node:timers/promises';
import type { Model } from 'mongoose';
import {
  ContentVersionModel,
  CrisisModel,
  DraftCrisisModel,
  DraftEntryModel,
  InsertLocks,
  isDuplicateKey,
  LANGUAGES,
  type DraftCrisisDoc,
  type DraftEntryDoc,
  type Lang,
} from '../models';
import { diffCrisisTexts, diffEntry, stableJson, type FieldChange } from './contentDiff';
import { CONTENT_LIMITS, type ContentFile, type Faq, type LocalizedText } from './contentSchema';

/** One entry of a draft as editors see it (docs/studio-api.md `Entry`). */
export interface DraftEntry {
  id: string;
  category: string;
  order: number;
  question: LocalizedText;
  alternatives: Partial<Record<Lang, string[]>>;
  answer: LocalizedText;
  links: { label: LocalizedText; url: string }[];
  revision: number;
  updatedBy?: string;
  updatedAt?: string;
  /** Languages of the crisis in which the question or the answer is missing. */
  missing: Lang[];
  /** Languages drafted by the language model, not yet approved: they block publishing. */
  machineDraft: Lang[];
}

/** The crisis-level fields of a draft. */
export interface DraftCrisis {
  title: LocalizedText;
  summary: LocalizedText;
  infoNumber: string;
  languages: Lang[];
  authority: ContentFile['crisis']['authority'];
  revision: number;
  updatedBy?: string;
  updatedAt?: string;
}

export interface Draft {
  slug: string;
  crisis: DraftCrisis;
  /** The entries, in their order. */
  entries: DraftEntry[];
  /** Grows with every write to the draft: a cache of something built from it is valid while it stays. */
  stamp: number;
}

export type EntryFields = Omit<Faq, 'id'>;
export type CrisisFields = Pick<ContentFile['crisis'], 'title' | 'summary' | 'infoNumber'>;

/** Someone saved (or deleted) what the caller read since: `current` is what is stored now (null: deleted). */
export class DraftConflict extends Error {
  constructor(
    message: string,
    readonly current: DraftEntry | DraftCrisis | null,
  ) {
    super(message);
  }
}
export class DraftNotFound extends Error {}
export class EntryExists extends Error {}
/** A request the draft cannot take, with its problems. */
export class DraftInvalid extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
  }
}
/** A write lock is held by a writer that has not finished (or died, until the lock goes stale). */
export class DraftBusy extends Error {}

const MAX_ATTEMPTS = 6;
const RETRY_DELAY_MS = 15;
/** Parallel writes when a whole draft is replaced. */
const WRITE_CONCURRENCY = 16;
const LOCK_PURGE_MS = 60 * 60 * 1000;

async function eachLimited<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
}

const entryKey = (slug: string, id: string) => `${slug}/${id}`;

/** The content file of a stored version, as it was written (validated then); undefined when there is none. */
export async function storedContent(slug: string, version: number): Promise<ContentFile | undefined> {
  const stored = await ContentVersionModel.findOne({ crisisSlug: slug, version }, { content: 1 }).lean();
  return (stored?.content as ContentFile | undefined) ?? undefined;
}

function isoOf(date: Date | undefined): string | undefined {
  return date ? new Date(date).toISOString() : undefined;
}

function has(text: LocalizedText | undefined, lang: Lang): boolean {
  const value = text?.[lang];
  return typeof value === 'string' && value.trim() !== '';
}

function langsOf(languages: string[]): Lang[] {
  return LANGUAGES.filter((l) => languages.includes(l)).sort(
    (a, b) => languages.indexOf(a) - languages.indexOf(b),
  );
}

function entryView(doc: DraftEntryDoc, languages: Lang[]): DraftEntry {
  return {
    id: doc.entryId,
    category: doc.category,
    order: doc.order,
    question: doc.question ?? {},
    alternatives: doc.alternatives ?? {},
    answer: doc.answer ?? {},
    links: doc.links ?? [],
    revision: doc.revision,
    ...(doc.updatedBy ? { updatedBy: doc.updatedBy } : {}),
    ...(doc.updatedAt ? { updatedAt: isoOf(doc.updatedAt) } : {}),
    missing: languages.filter((l) => !has(doc.question, l) || !has(doc.answer, l)),
    machineDraft: langsOf(doc.machineDrafted ?? []),
  };
}

/** Machine-drafted languages left once `changes` are saved: a communicator's edit of a text approves it. */
function stillMachineDrafted(doc: DraftEntryDoc, changes: FieldChange[]): string[] {
  const edited = new Set(
    changes.filter((c) => c.field === 'question' || c.field === 'answer').map((c) => c.lang),
  );
  return (doc.machineDrafted ?? []).filter((lang) => !edited.has(lang as Lang));
}

function crisisView(doc: DraftCrisisDoc): DraftCrisis {
  return {
    title: doc.title ?? {},
    summary: doc.summary ?? {},
    infoNumber: doc.infoNumber,
    languages: langsOf(doc.languages),
    authority: doc.authority,
    revision: doc.revision,
    ...(doc.updatedBy ? { updatedBy: doc.updatedBy } : {}),
    ...(doc.updatedAt ? { updatedAt: isoOf(doc.updatedAt) } : {}),
  };
}

/** An entry as a content file holds it: empty optional parts left out. */
export function faqOf(entry: Pick<DraftEntry, 'id' | keyof EntryFields>): Faq {
  const alternatives = Object.fromEntries(
    Object.entries(entry.alternatives ?? {}).filter(([, list]) => Array.isArray(list) && list.length > 0),
  );
  return {
    id: entry.id,
    category: entry.category,
    question: entry.question,
    ...(Object.keys(alternatives).length > 0 ? { alternatives } : {}),
    answer: entry.answer,
    ...(entry.links && entry.links.length > 0 ? { links: entry.links } : {}),
  };
}

function faqOfDoc(doc: DraftEntryDoc): Faq {
  return faqOf({ ...doc, id: doc.entryId });
}

/** What every change of a draft document bumps: its revision, its sequence, who and when. */
function nextRevision(
  current: { revision: number; seq: number },
  by: string,
  at = new Date(),
): { revision: number; seq: number; updatedBy: string; updatedAt: Date } {
  return { revision: current.revision + 1, seq: current.seq + 1, updatedBy: by, updatedAt: at };
}

/**
 * The draft as a content file (not validated: a draft may be incomplete until it is published).
 * `updatedAt` is when it is assembled unless given.
 */
export function draftToContent(draft: Draft, updatedAt = new Date().toISOString()): ContentFile {
  const { crisis } = draft;
  return {
    format: 'crisis-content/v1',
    crisis: {
      slug: draft.slug,
      title: crisis.title,
      summary: crisis.summary,
      authority: crisis.authority,
      infoNumber: crisis.infoNumber,
      languages: crisis.languages,
      updatedAt,
    },
    faqs: draft.entries.map(faqOf),
  };
}

function newEntryDoc(
  slug: string,
  faq: Faq,
  order: number,
  previous: DraftEntryDoc | undefined,
  by: string | undefined,
  at: Date | undefined,
): DraftEntryDoc {
  const { id, category, question, answer } = faq;
  return {
    _id: entryKey(slug, id),
    crisisSlug: slug,
    entryId: id,
    order,
    category,
    question,
    alternatives: faq.alternatives ?? {},
    answer,
    links: faq.links ?? [],
    deleted: false,
    revision: (previous?.revision ?? 0) + 1,
    seq: (previous?.seq ?? 0) + 1,
    ...(by ? { updatedBy: by } : {}),
    ...(at ? { updatedAt: at } : {}),
  } as DraftEntryDoc;
}

function crisisFieldsOf(content: ContentFile['crisis']) {
  return {
    title: content.title,
    summary: content.summary,
    infoNumber: content.infoNumber,
    languages: content.languages,
    authority: content.authority,
  };
}

/**
 * The studio drafts: per crisis, one document for the crisis fields and one per entry, created
 * from the live version the first time the draft is read. Every write follows the same protocol:
 * read the document, decide the next one, take the insert lock named after the document and the
 * write sequence it replaces (FerretDB v1 runs conditional updates non-atomically, an insert into
 * the `_id` index is atomic), then replace it. Locks are kept, not released: a lock existing means
 * that sequence number has been replaced, so a writer holding a stale read fails at the lock.
 * Editors see `revision`, which only content changes move; reordering moves `seq` alone, so it
 * does not make someone's edit of the text conflict.
 */
export class Drafts {
  private lastPurge = Date.now();

  constructor(private readonly locks = new InsertLocks('draftlocks')) {}

  /**
   * Kept locks only matter between a writer's read and its lock, a few milliseconds: once old,
   * they are dropped (at most once per period, in the background) so the collection stays small.
   */
  private purgeOldLocks(): void {
    if (Date.now() - this.lastPurge < LOCK_PURGE_MS) return;
    this.lastPurge = Date.now();
    this.locks.purgeOlderThan(new Date(this.lastPurge - LOCK_PURGE_MS)).catch(() => {
      // Retried at the next period; the locks are only dead weight meanwhile.
    });
  }

  /** The draft of a crisis, created from its live version on first access. */
  async load(slug: string): Promise<Draft> {
    this.purgeOldLocks();
    const crisis = await this.ensure(slug);
    const docs = await DraftEntryModel.find({ crisisSlug: slug }).lean<DraftEntryDoc[]>();
    const languages = langsOf(crisis.languages);
    const entries = docs
      .filter((doc) => !doc.deleted)
      .sort((a, b) => a.order - b.order || a.entryId.localeCompare(b.entryId))
      .map((doc) => entryView(doc, languages));
    const stamp = docs.reduce((sum, doc) => sum + doc.seq, crisis.seq);
    return { slug, crisis: crisisView(crisis), entries, stamp };
  }

  async createEntry(slug: string, faq: Faq, by: string): Promise<DraftEntry> {
    const crisis = await this.ensure(slug);
    const docs = await DraftEntryModel.find({ crisisSlug: slug }, { order: 1, deleted: 1 }).lean<
      Pick<DraftEntryDoc, 'order' | 'deleted'>[]
    >();
    const live = docs.filter((doc) => !doc.deleted);
    if (live.length >= CONTENT_LIMITS.faqs) {
      throw new DraftInvalid('too many entries', [`faqs: too many entries (max ${CONTENT_LIMITS.faqs})`]);
    }
    const order = live.reduce((max, doc) => Math.max(max, doc.order), -1) + 1;
    const { after } = await this.writeEntry(slug, faq.id, (current) => {
      if (current && !current.deleted) throw new EntryExists(`an entry ${faq.id} exists already`);
      return newEntryDoc(slug, faq, order, current, by, new Date());
    });
    return entryView(after!, langsOf(crisis.languages));
  }

  /**
   * Saves the given fields of an entry (each replaces that field), if it is still at `revision`.
   * A save that changes nothing writes nothing.
   */
  async updateEntry(
    slug: string,
    id: string,
    fields: Partial<EntryFields>,
    revision: number,
    by: string,
  ): Promise<{ entry: DraftEntry; changes: FieldChange[] }> {
    const languages = langsOf((await this.ensure(slug)).languages);
    let changes: FieldChange[] = [];
    const { before, after } = await this.writeEntry(slug, id, (current) => {
      this.checkRevision(current, id, revision, languages);
      const merged = { ...current!, ...fields };
      changes = diffEntry(faqOfDoc(current!), faqOfDoc(merged));
      if (changes.length === 0) return undefined;
      return {
        ...merged,
        machineDrafted: stillMachineDrafted(current!, changes),
        alternatives: merged.alternatives ?? {},
        links: merged.links ?? [],
        ...nextRevision(current!, by),
      };
    });
    return { entry: entryView(after ?? before!, languages), changes };
  }

  /**
   * Adds machine-drafted texts for languages the entry lacks, if it is still at `revision`, and
   * marks those languages as machine drafts. A text the entry has meanwhile is never overwritten.
   */
  async addMachineDrafts(
    slug: string,
    id: string,
    texts: Partial<Record<Lang, { question: string; answer: string }>>,
    revision: number,
    by: string,
  ): Promise<DraftEntry> {
    const languages = langsOf((await this.ensure(slug)).languages);
    const { after } = await this.writeEntry(slug, id, (current) => {
      this.checkRevision(current, id, revision, languages);
      const question = { ...current!.question };
      const answer = { ...current!.answer };
      const drafted = new Set(current!.machineDrafted ?? []);
      for (const [lang, text] of Object.entries(texts)) {
        if (!has(question, lang as Lang)) question[lang] = text.question;
        if (!has(answer, lang as Lang)) answer[lang] = text.answer;
        drafted.add(lang);
      }
      return {
        ...current!,
        question,
        answer,
        machineDrafted: [...drafted],
        ...nextRevision(current!, by),
      };
    });
    return entryView(after!, languages);
  }

  /** A communicator approves machine-drafted languages as they are (all of them when none are named). */
  async approveMachineDrafts(
    slug: string,
    id: string,
    approved: Lang[] | undefined,
    revision: number,
    by: string,
  ): Promise<{ entry: DraftEntry; approved: Lang[] }> {
    const languages = langsOf((await this.ensure(slug)).languages);
    let done: Lang[] = [];
    const { before, after } = await this.writeEntry(slug, id, (current) => {
      this.checkRevision(current, id, revision, languages);
      const drafted = current!.machineDrafted ?? [];
      done = langsOf(drafted.filter((lang) => !approved || approved.includes(lang as Lang)));
      if (done.length === 0) return undefined;
      return {
        ...current!,
        machineDrafted: drafted.filter((lang) => !done.includes(lang as Lang)),
        ...nextRevision(current!, by),
      };
    });
    return { entry: entryView(after ?? before!, languages), approved: done };
  }

  /** Deletes an entry if it is still at `revision`; what it was. */
  async deleteEntry(slug: string, id: string, revision: number, by: string): Promise<DraftEntry> {
    const languages = langsOf((await this.ensure(slug)).languages);
    const { before } = await this.writeEntry(slug, id, (current) => {
      this.checkRevision(current, id, revision, languages);
      return {
        ...current!,
        deleted: true,
        ...nextRevision(current!, by),
      };
    });
    return entryView(before!, languages);
  }

  /** Puts the listed entries first, in that order; the others keep their order after them. */
  async reorder(slug: string, ids: string[]): Promise<DraftEntry[]> {
    const draft = await this.load(slug);
    const known = new Set(draft.entries.map((e) => e.id));
    const seen = new Set<string>();
    const problems: string[] = [];
    ids.forEach((id, i) => {
      if (!known.has(id)) problems.push(`ids[${i}]: no entry ${id}`);
      else if (seen.has(id)) problems.push(`ids[${i}]: ${id} is listed twice`);
      seen.add(id);
    });
    if (problems.length > 0) throw new DraftInvalid('invalid order', problems);
    const order = [...ids, ...draft.entries.map((e) => e.id).filter((id) => !seen.has(id))];
    const moves = order
      .map((id, position) => ({ id, position }))
      .filter(({ id, position }) => draft.entries.find((e) => e.id === id)?.order !== position);
    await eachLimited(moves, ({ id, position }) =>
      this.writeEntry(slug, id, (current) =>
        current && !current.deleted && current.order !== position
          ? { ...current, order: position, seq: current.seq + 1 }
          : undefined,
      ),
    );
    return (await this.load(slug)).entries;
  }

  /** Saves the given crisis fields if they are still at `revision`. */
  async updateCrisis(
    slug: string,
    fields: Partial<CrisisFields>,
    revision: number,
    by: string,
  ): Promise<{ crisis: DraftCrisis; changes: FieldChange[] }> {
    await this.ensure(slug);
    let changes: FieldChange[] = [];
    const { before, after } = await this.write(DraftCrisisModel, slug, `${slug}:crisis`, (current) => {
      if (!current) throw new DraftNotFound(`no draft of ${slug}`);
      if (current.revision !== revision) {
        throw new DraftConflict(
          'the crisis fields were saved by someone else since you read them',
          crisisView(current),
        );
      }
      const merged = { ...current, ...fields };
      changes = diffCrisisTexts(current, merged);
      if (changes.length === 0) return undefined;
      return {
        ...merged,
        ...nextRevision(current, by),
      };
    });
    return { crisis: crisisView(after ?? before!), changes };
  }

  /**
   * Replaces the whole draft by a content file (import, rollback). Revisions keep increasing, so
   * an editor holding an older read gets a conflict; entries the file leaves as they are keep
   * theirs. The entries are written one by one: there is no transaction on FerretDB v1.
   */
  async replace(slug: string, content: ContentFile, by: string): Promise<Draft> {
    await this.ensure(slug);
    const now = new Date();
    const fields = crisisFieldsOf(content.crisis);
    await this.write(DraftCrisisModel, slug, `${slug}:crisis`, (current) => {
      if (!current) throw new DraftNotFound(`no draft of ${slug}`);
      const same = (Object.keys(fields) as (keyof typeof fields)[]).every(
        (key) => stableJson(current[key]) === stableJson(fields[key]),
      );
      if (same) return undefined;
      return {
        ...current,
        ...fields,
        ...nextRevision(current, by, now),
      };
    });
    await eachLimited(
      content.faqs.map((faq, order) => ({ faq, order })),
      ({ faq, order }) =>
        this.writeEntry(slug, faq.id, (current) => {
          if (current && !current.deleted && diffEntry(faqOfDoc(current), faq).length === 0) {
            return current.order === order ? undefined : { ...current, order, seq: current.seq + 1 };
          }
          return newEntryDoc(slug, faq, order, current, by, now);
        }),
    );
    const kept = new Set(content.faqs.map((faq) => faq.id));
    const stale = (
      await DraftEntryModel.find({ crisisSlug: slug }, { entryId: 1, deleted: 1 }).lean<
        Pick<DraftEntryDoc, 'entryId' | 'deleted'>[]
      >()
    ).filter((doc) => !doc.deleted && !kept.has(doc.entryId));
    await eachLimited(stale, (doc) =>
      this.writeEntry(slug, doc.entryId, (current) =>
        current && !current.deleted
          ? {
              ...current,
              deleted: true,
              ...nextRevision(current, by, now),
            }
          : undefined,
      ),
    );
    return this.load(slug);
  }

  private checkRevision(
    current: DraftEntryDoc | undefined,
    id: string,
    revision: number,
    languages: Lang[],
  ): void {
    if (!current || (current.deleted && revision >= current.revision)) {
      throw new DraftNotFound(`no entry ${id}`);
    }
    if (current.deleted)
      throw new DraftConflict('the entry was deleted by someone else since you read it', null);
    if (current.revision !== revision) {
      throw new DraftConflict(
        'the entry was saved by someone else since you read it',
        entryView(current, languages),
      );
    }
  }

  /** The draft's crisis document, creating the draft from the live version if there is none yet. */
  private async ensure(slug: string): Promise<DraftCrisisDoc> {
    const found = await DraftCrisisModel.findById(slug).lean<DraftCrisisDoc>();
    if (found) return found;
    await this.createFromLive(slug);
    const created = await DraftCrisisModel.findById(slug).lean<DraftCrisisDoc>();
    if (!created) throw new Error(`draft of ${slug} could not be created`);
    return created;
  }

  /**
   * Entries first, then the crisis document, whose existence marks the draft complete. Two
   * processes creating it together insert the same documents; duplicates are ignored.
   */
  private async createFromLive(slug: string): Promise<void> {
    const crisis = await CrisisModel.findOne({ slug }, { liveVersion: 1 }).lean();
    if (!crisis) throw new DraftNotFound(`no crisis ${slug}`);
    const content = await storedContent(slug, crisis.liveVersion);
    if (!content) throw new Error(`live version ${crisis.liveVersion} of ${slug} is missing`);
    const ignoreDuplicate = (error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    };
    await eachLimited(
      content.faqs.map((faq, order) => ({ faq, order })),
      ({ faq, order }) =>
        DraftEntryModel.create(newEntryDoc(slug, faq, order, undefined, undefined, undefined)).catch(
          ignoreDuplicate,
        ),
    );
    await DraftCrisisModel.create({
      _id: slug,
      ...crisisFieldsOf(content.crisis),
      revision: 1,
      seq: 1,
    }).catch(ignoreDuplicate);
  }

  private writeEntry(
    slug: string,
    id: string,
    decide: (current: DraftEntryDoc | undefined) => DraftEntryDoc | undefined,
  ) {
    return this.write(DraftEntryModel, entryKey(slug, id), `${slug}:${id}`, decide);
  }

  /**
   * One write by the protocol above: `decide` sees the stored document (or undefined) and returns
   * the next one, undefined for no write, or throws (conflict, not found). A lost lock means
   * someone else wrote: read again and decide again.
   */
  private async write<T extends { _id: string; seq: number }>(
    model: Model<T>,
    id: string,
    lockPrefix: string,
    decide: (current: T | undefined) => T | undefined,
  ): Promise<{ before: T | undefined; after: T | undefined }> {
    for (let attempt = 1; ; attempt++) {
      const current = (await model.findById(id).lean<T>()) ?? undefined;
      const next = decide(current);
      if (!next) return { before: current, after: undefined };
      const lock = current ? `${lockPrefix}:s${current.seq}` : undefined;
      if (!current) {
        try {
          await model.create(next);
          return { before: undefined, after: next };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
      } else if (await this.locks.take(lock!)) {
        await model.replaceOne({ _id: id }, next);
        return { before: current, after: next };
      }
      if (attempt >= MAX_ATTEMPTS) {
        // A writer that took the lock and died leaves it: cleared once stale, the next try passes.
        if (lock) await this.locks.clearIfStale(lock);
        throw new DraftBusy(`${id} is being changed by someone else; try again`);
      }
      await sleep(RETRY_DELAY_MS * attempt);
    }
  }
}
