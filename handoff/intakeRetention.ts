import type { Logger } from 'pino';
import {
  activeTickets,
  botStates,
  DAY_MS,
  daysBefore,
  groupedBy,
  inBatches,
  InsertLocks,
  ticketMessages,
  TicketModel,
} from '../models';
import { deleteCopiedPersonalData, deletionMarks, TICKET_LOCKS, UNSET_PERSONAL_DATA } from './tickets';

/** Version locks of tickets only matter while a writer may hold an old read: a day is ample. */
const TICKET_LOCK_KEEP_MS = DAY_MS;

/**
 * Deletes the personal data of tickets older than the retention period — D2 intakes, transcripts,
 * callback numbers and relayed messages — and conversation state idle that long; the tickets
 * themselves stay, without personal data, for accounting. A swept job rather than a TTL index:
 * FerretDB v1 has none, and only some fields, not whole documents, must go.
 * Returns how many tickets lost personal data.
 */
export async function purgeExpiredIntakes(options: {
  now: Date;
  retentionDays: number;
  logger: Logger;
}): Promise<number> {
  const cutoff = daysBefore(options.now, options.retentionDays);
  // Conversation state idle that long may hold an intake that was never finished: it goes too.
  let staleStates = 0;
  for (const partition of await botStates.all()) {
    staleStates += (await partition.deleteMany({ updatedAt: { $lt: cutoff } })).deletedCount;
  }
  if (staleStates > 0) {
    options.logger.info(
      { deleted: staleStates },
      'idle conversation state deleted after the retention period',
    );
  }
  let messages = 0;
  for (const partition of await ticketMessages.all()) {
    messages += (await partition.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
  await new InsertLocks(TICKET_LOCKS).purgeOlderThan(new Date(options.now.getTime() - TICKET_LOCK_KEEP_MS));

  const { tickets, intakes } = await deleteTicketPersonalData({ createdAt: { $lt: cutoff } }, options.now);
  if (tickets === 0) return 0;
  options.logger.info(
    {
      tickets,
      intakes,
      messages,
      cutoff: cutoff.toISOString(),
    },
    'personal data of tickets deleted after the retention period',
  );
  return tickets;
}

/**
 * Removes the intake, transcript and callback number of the tickets matching `filter`, and their
 * relayed messages when `withMessages`; the tickets stay, for accounting. In batches of
 * `WRITE_BATCH` tickets: tickets with an active copy (on an engine that scans) are written under
 * their version locks, so the copy agrees (`deleteCopiedPersonalData`); the others, closed long ago
 * or on MongoDB, with one update per kind of data deleted. `kept`: tickets other writers held,
 * still holding their data (a later sweep deletes it).
 */
export async function deleteTicketPersonalData(
  filter: Record<string, unknown>,
  now: Date,
  withMessages = false,
): Promise<{ tickets: number; intakes: string[]; kept: number }> {
  const personal = Object.keys(UNSET_PERSONAL_DATA).map((field) => ({ [field]: { $exists: true } }));
  // Only tickets still holding personal data are read, unless their messages go too.
  const matching = await TicketModel.find(withMessages ? filter : { ...filter, $or: personal }, {
    _id: 1,
    intake: 1,
    callbackPhone: 1,
  }).lean();
  if (withMessages) await deleteMessagesOf(matching.map((ticket) => ticket._id.toHexString()));
  const result = { tickets: 0, intakes: [] as string[], kept: 0 };
  for (const batch of inBatches(matching)) {
    const copied = new Set((await activeTickets.copiedAmong(batch.map((t) => t._id))).map(String));
    const { deleted, kept } = await deleteCopiedPersonalData(
      batch.filter((t) => copied.has(String(t._id))).map((t) => t._id),
      now,
    );
    const rest = batch.filter((t) => !copied.has(String(t._id)));
    for (const group of groupedBy(rest, (t) => JSON.stringify(deletionMarks(t, now)))) {
      const marks = deletionMarks(group[0]!, now);
      const updated = await TicketModel.updateMany(
        { _id: { $in: group.map((t) => t._id) }, $or: personal },
        { $unset: UNSET_PERSONAL_DATA, ...(Object.keys(marks).length ? { $set: marks } : {}) },
      );
      result.tickets += updated.modifiedCount;
    }
    result.tickets += deleted.length;
    result.kept += kept;
    result.intakes.push(...[...deleted, ...rest].filter((t) => t.intake).map((t) => String(t._id)));
  }
  return result;
}

/** Deletes the relayed messages of these tickets: one statement per batch of a partition. */
async function deleteMessagesOf(ticketIds: string[]): Promise<void> {
  for (const { partition, routes } of await ticketMessages.batchesOf(ticketIds)) {
    await partition.deleteMany({ ticketId: { $in: routes } });
  }
}
