import { LiveMessageModel, onlyDuplicates } from '../models';

/** How long citizens' messages stay in the recent window the operations view reads. */
export const LIVE_WINDOW_HOURS = 3;
const LIVE_WINDOW_MS = LIVE_WINDOW_HOURS * 60 * 60 * 1000;

interface LoggedEntry {
  _id: string;
  crisisSlug: string;
  conversationId: string;
  direction: 'in' | 'out';
  lang?: string;
  kind?: string;
  options?: number;
  at: Date;
}

/** Copies a written batch's citizens' messages into the recent window; a retried batch finds its own. */
export async function recordLiveMessages(batch: LoggedEntry[]): Promise<void> {
  const recent = batch
    .filter((e) => e.direction === 'in')
    .map(({ _id, crisisSlug, conversationId, lang, kind, options, at }) => ({
      _id,
      crisisSlug,
      conversationId,
      at,
      ...(lang !== undefined ? { lang } : {}),
      ...(kind !== undefined ? { kind } : {}),
      ...(options !== undefined ? { options } : {}),
    }));
  if (recent.length === 0) return;
  await LiveMessageModel.insertMany(recent, { ordered: false, lean: true }).catch((error: unknown) => {
    if (!onlyDuplicates(error)) throw error;
  });
}

/** Removes what has left the window (the log keeps it): swept, as FerretDB v1 has no TTL index. */
export async function purgeLiveMessages(now: Date): Promise<number> {
  const { deletedCount } = await LiveMessageModel.deleteMany({
    at: { $lt: new Date(now.getTime() - LIVE_WINDOW_MS) },
  });
  return deletedCount;
}
