import type { DraftEntry, FieldChange } from '../knowledge';
import { LANGUAGES, writeAudit } from '../models';

type Actor = { id: string; roles: string[] };

export const entryTarget = (slug: string, id: string) => `crisis:${slug}/entry:${id}`;

/** Which fields and languages changed, without the texts: what the audit log keeps of an edit. */
export function changedFields(changes: FieldChange[]): { field: string; lang?: string }[] {
  return changes.map(({ field, lang }) => (lang ? { field, lang } : { field }));
}

/** The languages a text is given in, in the crisis languages' order whatever order the client sent. */
function localizedLanguages(text: Record<string, unknown> | undefined): string[] {
  return LANGUAGES.filter((l) => typeof text?.[l] === 'string');
}

/**
 * A new draft entry, whichever screen made it (studio or unanswered inbox), so that the audit log
 * shows one kind of event for it.
 */
export async function auditEntryCreated(actor: Actor, slug: string, entry: DraftEntry): Promise<void> {
  await writeAudit(actor, 'content.entry.create', entryTarget(slug, entry.id), 'allowed', {
    revision: entry.revision,
    category: entry.category,
    question: localizedLanguages(entry.question),
    answer: localizedLanguages(entry.answer),
    links: entry.links.length,
  });
}

/** An edit of a draft entry, whichever screen made it; an edit that changed nothing is not one. */
export async function auditEntryUpdated(
  actor: Actor,
  slug: string,
  saved: { entry: DraftEntry; changes: FieldChange[] },
): Promise<void> {
  if (saved.changes.length === 0) return;
  await writeAudit(actor, 'content.entry.update', entryTarget(slug, saved.entry.id), 'allowed', {
    revision: saved.entry.revision,
    changed: changedFields(saved.changes),
  });
}
