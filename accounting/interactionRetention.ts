import {
  conversationMarks,
  daysBefore,
  INTERACTION_DAYS_COMPLETE,
  InteractionDayModel,
  InteractionModel,
} from '../models';

/** Whether some entries may be older than `cutoff`, from the record of days (models/interactionDay.ts). */
async function somethingExpired(cutoff: Date): Promise<boolean> {
  const days = await InteractionDayModel.find({}, { _id: 1 }).lean();
  // A log written before days were recorded: read it whole once, and record its days.
  if (!days.some((day) => day._id === INTERACTION_DAYS_COMPLETE)) {
    const present = (await InteractionModel.distinct('day')) as string[];
    await InteractionDayModel.insertMany(
      [...present, INTERACTION_DAYS_COMPLETE].map((_id) => ({ _id })),
      { ordered: false, lean: true },
    ).catch(() => undefined);
    return true;
  }
  const cutoffDay = cutoff.toISOString().slice(0, 10);
  return days.some((day) => day._id !== INTERACTION_DAYS_COMPLETE && day._id <= cutoffDay);
}

/**
 * Deletes interaction-log entries, and the marks that told which conversations had started,
 * older than the retention period. Entries hold no message text, but their conversation ids can
 * lead back to a person through the channel; the hourly usage counts that reports read stay, so
 * every report of an older period keeps its figures. Swept, not a TTL index (FerretDB v1 has none),
 * and only when the record of days says a day has expired: the log is the largest collection.
 */
export async function purgeOldInteractions(options: { now: Date; retentionDays: number }): Promise<number> {
  const cutoff = daysBefore(options.now, options.retentionDays);
  if (!(await somethingExpired(cutoff))) return 0;
  const entries = await InteractionModel.deleteMany({ at: { $lt: cutoff } });
  for (const partition of await conversationMarks.all()) await partition.deleteMany({ at: { $lt: cutoff } });
  // Days wholly before the cutoff are gone; the cutoff's own day is read again until it has passed.
  await InteractionDayModel.deleteMany({
    _id: { $lt: cutoff.toISOString().slice(0, 10), $ne: INTERACTION_DAYS_COMPLETE },
  });
  return entries.deletedCount;
}
