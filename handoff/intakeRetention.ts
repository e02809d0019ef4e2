import type { Logger } from 'pino';
import { BotStateModel, TicketModel } from '../models';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes D2 intake data older than the retention period; the ticket itself stays (without the
 * personal data) for accounting. A swept job rather than a TTL index: FerretDB v1 has none, and
 * only the intake, not the whole document, must go.
 */
export async function purgeExpiredIntakes(options: {
  now: Date;
  retentionDays: number;
  logger: Logger;
}): Promise<number> {
  const cutoff = new Date(options.now.getTime() - options.retentionDays * DAY_MS);
  // Conversation state idle that long may hold an intake that was never finished: it goes too.
  const staleStates = await BotStateModel.deleteMany({ updatedAt: { $lt: cutoff } });
  if (staleStates.deletedCount > 0) {
    options.logger.info(
      { deleted: staleStates.deletedCount },
      'idle conversation state deleted after the retention period',
    );
  }
  const expired = await TicketModel.find(
    { intake: { $exists: true }, createdAt: { $lt: cutoff } },
    { _id: 1 },
  ).lean();
  if (expired.length === 0) return 0;
  const ids = expired.map((t) => t._id);
  const result = await TicketModel.updateMany(
    { _id: { $in: ids }, intake: { $exists: true } },
    { $unset: { intake: 1 }, $set: { intakeDeletedAt: options.now } },
  );
  options.logger.info(
    { deleted: result.modifiedCount, tickets: ids.map(String), cutoff: cutoff.toISOString() },
    'D2 intake data deleted after the retention period',
  );
  return result.modifiedCount;
}
