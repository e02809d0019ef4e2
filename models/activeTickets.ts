import mongoose, { type mongo } from 'mongoose';
import type { Logger } from 'pino';
import { onlyDuplicates } from './insertLock';
import { LAYOUT_COLLECTION, partitionCount } from './partitionedCollection';
import { TicketModel, type TicketDoc } from './ticket';

/** The collection of the copies, on an engine that scans. */
export const ACTIVE_TICKETS = 'activetickets';
/** How long a closed ticket stays among the active ones: the handling times of a queue are read from them. */
export const CLOSED_KEPT_MS = 2 * 60 * 60 * 1000;

/** What the copy keeps of a ticket: everything but the sealed personal data, whose presence it notes. */
export type ActiveTicketDoc = Omit<TicketDoc, 'intake' | 'transcript' | 'callbackPhone'> & {
  hasIntake: boolean;
  hasCallback: boolean;
};

type Filter = mongo.Filter<ActiveTicketDoc>;
type Update = { $set: Record<string, unknown>; $unset?: Record<string, 1> };

/** Tickets are laid out beside the conversation collections: a partitioned layout means an engine that scans. */
async function copied(): Promise<mongo.Collection<ActiveTicketDoc> | undefined> {
  if ((await partitionCount()) === 1) return undefined;
  return mongoose.connection.collection<ActiveTicketDoc>(ACTIVE_TICKETS);
}

/** The copy of a ticket document. */
export function activeCopyOf(doc: TicketDoc): ActiveTicketDoc {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- left out of the copy
  const { intake, transcript, callbackPhone, ...rest } = doc;
  return { ...rest, hasIntake: Boolean(intake), hasCallback: Boolean(callbackPhone) };
}

/**
 * The tickets not closed, and those closed in the last `CLOSED_KEPT_MS`: what the queue, the
 * handoff sweep, the console and wait estimates read, again and again. FerretDB reads tickets by
 * anything but `_id` by decoding every one of them, closed ones included (4 s at 5,000 under
 * load), so on an engine that scans a copy of each active ticket is kept in `activetickets`, which
 * stays as small as the queues; `tickets` stays the record. On MongoDB these reads are `tickets`
 * itself, served by its indexes, and nothing is copied.
 *
 * Copies are written by the one writer of each ticket version (`handoff/tickets.ts`, under the
 * version lock; retention deleting personal data too) before the ticket itself, so the next
 * version's writer, who reads the ticket, writes its copy after this one: copies are never
 * overtaken. Closed copies go once out of the window (`forgetClosedBefore`).
 */
export const activeTickets = {
  async find(
    filter: Filter,
    options: { sort?: Record<string, 1 | -1>; limit?: number; projection?: Record<string, 0 | 1> } = {},
  ): Promise<ActiveTicketDoc[]> {
    const collection = (await copied()) ?? TicketModel.collection;
    let cursor = collection.find(filter as mongo.Filter<mongo.Document>, {
      ...(options.projection ? { projection: options.projection } : {}),
    });
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as ActiveTicketDoc[];
  },

  async count(filter: Filter): Promise<number> {
    const collection = (await copied()) ?? TicketModel.collection;
    return collection.countDocuments(filter as mongo.Filter<mongo.Document>);
  },

  /** A ticket just created. */
  async opened(doc: TicketDoc): Promise<void> {
    await (await copied())?.insertOne(activeCopyOf(doc));
  },

  /** A transition of the ticket, written to its copy first (see above). */
  async changed(id: string, update: Update): Promise<void> {
    await (await copied())?.updateOne({ _id: new mongoose.Types.ObjectId(id) }, update);
  },

  /** Sets a copy right from its ticket when their versions differ (see `handoff/tickets.ts`). */
  async resync(doc: TicketDoc): Promise<void> {
    const collection = await copied();
    const copy = await collection?.findOne({ _id: doc._id }, { projection: { version: 1 } });
    if (copy && copy.version !== doc.version)
      await collection!.replaceOne({ _id: doc._id }, activeCopyOf(doc));
  },

  /** Of these tickets, those with a copy: none on an engine that does not copy. */
  async copiedAmong(ids: mongoose.Types.ObjectId[]): Promise<mongoose.Types.ObjectId[]> {
    const collection = await copied();
    if (!collection || ids.length === 0) return [];
    const copies = await collection.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    return copies.map((copy) => copy._id);
  },

  /** Sets copies right from their tickets, each written under its version lock (see `handoff/tickets.ts`): one statement. */
  async replaceAll(docs: TicketDoc[]): Promise<void> {
    const collection = await copied();
    if (!collection || docs.length === 0) return;
    await collection.bulkWrite(
      docs.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: activeCopyOf(doc) } })),
    );
  },

  /** Drops the copies of tickets closed before `cutoff`: they are no longer read. */
  async forgetClosedBefore(cutoff: Date): Promise<void> {
    await (await copied())?.deleteMany({ state: 'closed', closedAt: { $lt: cutoff } });
  },
};

/** Recorded in the layout collection once the copies of a partitioned layout are made. */
const COPIES_ID = 'active-ticket-copies';

async function copiesRecorded(): Promise<boolean> {
  const db = mongoose.connection.db!;
  return (await db.collection<{ _id: string }>(LAYOUT_COLLECTION).findOne({ _id: COPIES_ID })) !== null;
}

/** Whether the active tickets are laid out as `partitions` needs: copied when partitioned, not otherwise. */
export async function activeTicketsLaidOut(partitions: number): Promise<boolean> {
  return (await copiesRecorded()) === partitions > 1;
}

/**
 * Makes (or drops) the copies for a layout of `partitions`, at start-up under the migration
 * lock, while no process serves: copies of every active ticket, then the record. Repeatable: a
 * copy already made is kept.
 */
export async function layOutActiveTickets(partitions: number, logger: Logger): Promise<void> {
  if (await activeTicketsLaidOut(partitions)) return;
  const db = mongoose.connection.db!;
  const layout = db.collection<{ _id: string }>(LAYOUT_COLLECTION);
  if (partitions === 1) {
    await db
      .collection(ACTIVE_TICKETS)
      .drop()
      .catch(() => undefined);
    await layout.deleteOne({ _id: COPIES_ID });
    return;
  }
  const active = await TicketModel.find({
    $or: [{ state: { $ne: 'closed' } }, { closedAt: { $gte: new Date(Date.now() - CLOSED_KEPT_MS) } }],
  }).lean<TicketDoc[]>();
  if (active.length > 0) {
    await db
      .collection<ActiveTicketDoc>(ACTIVE_TICKETS)
      .insertMany(active.map(activeCopyOf), { ordered: false })
      .catch((error: unknown) => {
        if (!onlyDuplicates(error)) throw error;
      });
  }
  await layout.insertOne({ _id: COPIES_ID }).catch((error: unknown) => {
    if (!onlyDuplicates(error)) throw error;
  });
  logger.info({ tickets: active.length }, 'active tickets copied for the partitioned layout');
}
