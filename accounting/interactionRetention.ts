import { conversationMarks, InteractionModel } from '../models';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes interaction-log entries, and the marks that told which conversations had started,
 * older than the retention period. Entries hold no message text, but their conversation ids can
 * lead back to a person through the channel; the hourly usage counts that reports read stay, so
 * every report of an older period keeps its figures. Swept, not a TTL index (FerretDB v1 has none).
 */
export async function purgeOldInteractions(options: { now: Date; retentionDays: number }): Promise<number> {
  const cutoff = new Date(options.now.getTime() - options.retentionDays * DAY_MS);
  const entries = await InteractionModel.deleteMany({ at: { $lt: cutoff } });
  for (const partition of await conversationMarks.all()) await partition.deleteMany({ at: { $lt: cutoff } });
  return entries.deletedCount;
}
