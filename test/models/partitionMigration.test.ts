import mongoose from 'mongoose';
import {
  botStates,
  conversationMarks,
  directLineActivities,
  partitionCount,
  preparePartitions,
  ticketMessages,
  type PartitionedCollection,
} from '../../models';
import { silentLogger, useTestDatabase } from '../helpers/db';

useTestDatabase();

const STATES = 300;
const state = (i: number) => ({
  _id: `test/conversations/c${i}/`,
  data: `{"n":${i}}`,
  eTag: `e${i}`,
  updatedAt: new Date(),
});
const activity = (i: number, seq: number) => ({
  _id: `c${i}:${String(seq).padStart(9, '0')}`,
  at: new Date(),
  activity: { iv: 'iv', tag: 'tag', data: `d${i}.${seq}`, keyId: 'k' },
});
const mark = (i: number) => ({ _id: `demo|c${i}`, firstEntry: `entry-${i}`, at: new Date() });
const HOUR_MS = 3_600_000;
/** Waiting, in hand, closed an hour ago (still read for handling times), closed a day ago. */
const ticket = (i: number) => ({
  _id: new mongoose.Types.ObjectId(),
  queue: 'd5',
  state: ['waiting', 'assigned', 'closed', 'closed'][i % 4],
  reason: 'person-request',
  version: i % 4,
  priority: 1,
  crisisSlug: 'demo',
  conversationId: `c${i}`,
  channelId: 'test',
  lang: 'en',
  consent: false,
  claims: [],
  ...(i % 4 >= 2 ? { closedAt: new Date(Date.now() - (i % 4 === 2 ? 1 : 24) * HOUR_MS) } : {}),
  createdAt: new Date(Date.now() - 30 * HOUR_MS),
});
const message = (i: number) => ({
  _id: new mongoose.Types.ObjectId(),
  ticketId: `ticket-${i % 20}`,
  at: new Date(),
  from: 'citizen' as const,
  text: { iv: 'iv', tag: 'tag', data: `m${i}`, keyId: 'k' },
});

/** Every document of the collection, wherever the current layout keeps it, by `_id`. */
async function everything<T extends { _id: unknown }>(
  collection: PartitionedCollection<T>,
): Promise<Map<string, T>> {
  const all = new Map<string, T>();
  for (const partition of await collection.all()) {
    for (const doc of await partition.find({}).toArray()) {
      expect(all.has(String(doc._id))).toBe(false);
      expect(await collection.for(collection.routeOf(doc as T))).toHaveProperty(
        'collectionName',
        partition.collectionName,
      );
      all.set(String(doc._id), doc as T);
    }
  }
  return all;
}

async function collectionNames(): Promise<string[]> {
  return (await mongoose.connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
}

describe('migration of the conversation collections between layouts, at start-up', () => {
  const expected = {
    states: new Map(Array.from({ length: STATES }, (_, i) => [state(i)._id, state(i)])),
    activities: new Map(
      Array.from({ length: 40 }, (_, i) => [1, 2, 3].map((seq) => activity(i, seq)))
        .flat()
        .map((a) => [a._id, a]),
    ),
    marks: new Map(Array.from({ length: 50 }, (_, i) => [mark(i)._id, mark(i)])),
    messages: new Map(Array.from({ length: 60 }, (_, i) => message(i)).map((m) => [String(m._id), m])),
  };
  const tickets = Array.from({ length: 40 }, (_, i) => ticket(i));
  const activeIds = tickets.filter((_, i) => i % 4 < 3).map((t) => String(t._id));
  const db = () => mongoose.connection.db!;
  const ticketsUnchanged = async () =>
    expect(await db().collection('tickets').find({}).sort({ _id: 1 }).toArray()).toEqual(
      [...tickets].sort((a, b) => String(a._id).localeCompare(String(b._id))),
    );
  const copiedIds = async () =>
    (await db().collection('activetickets').find({}).toArray()).map((t) => String(t._id)).sort();
  const content = async () => ({
    states: await everything(botStates),
    activities: await everything(directLineActivities),
    marks: await everything(conversationMarks),
    messages: await everything(ticketMessages),
  });

  beforeAll(async () => {
    // An embedded database from before partitions: one collection each, no recorded layout.
    expect(await partitionCount()).toBe(1);
    const db = mongoose.connection.db!;
    await db.collection('botstate').insertMany([...expected.states.values()] as never[]);
    await db.collection('directlineactivities').insertMany([...expected.activities.values()] as never[]);
    await db.collection('conversationmarks').insertMany([...expected.marks.values()] as never[]);
    await db.collection('ticketmessages').insertMany([...expected.messages.values()] as never[]);
    await db.collection('tickets').insertMany(tickets as never[]);
  });

  it('moves every document into the partitions, and a second start changes nothing', async () => {
    await preparePartitions({ requested: 16, logger: silentLogger });

    expect(await partitionCount()).toBe(16);
    expect(await content()).toEqual(expected);
    expect(await mongoose.connection.db!.collection('botstate').countDocuments()).toBe(0);
    await ticketsUnchanged();
    expect(await copiedIds()).toEqual([...activeIds].sort());
    const names = await collectionNames();
    await preparePartitions({ requested: 16, logger: silentLogger });
    expect(await content()).toEqual(expected);
    expect(await collectionNames()).toEqual(names);
    expect(await copiedIds()).toEqual([...activeIds].sort());
  });

  it('copies the active tickets of a database partitioned before the copies existed', async () => {
    await db().collection('activetickets').drop();
    await db()
      .collection('storagelayout')
      .deleteOne({ _id: 'active-ticket-copies' } as never);

    await preparePartitions({ requested: 16, logger: silentLogger });

    expect(await copiedIds()).toEqual([...activeIds].sort());
    await ticketsUnchanged();
  });

  it('finishes a migration cut short by a crash, losing and doubling nothing', async () => {
    // The state a process leaves when it dies copying 16 -> 4: part copied, its lock left behind.
    const db = mongoose.connection.db!;
    const some = [...expected.states.values()].slice(0, STATES / 2);
    for (const doc of some) await botStates.partition(4, botStates.indexOf(doc, 4)).insertOne(doc);
    await db.collection('storagelayout').insertOne({
      _id: 'conversation-partitions-migration',
      at: new Date(Date.now() - 10 * 60_000),
    } as never);

    await preparePartitions({ requested: 4, logger: silentLogger });

    expect(await partitionCount()).toBe(4);
    expect(await content()).toEqual(expected);
    expect((await collectionNames()).filter((name) => name.startsWith('botstate_16_'))).toEqual([]);
  });

  it('goes back to one collection each, as on MongoDB', async () => {
    await preparePartitions({ requested: 1, logger: silentLogger });

    expect(await partitionCount()).toBe(1);
    expect(await content()).toEqual(expected);
    expect((await collectionNames()).filter((name) => /_\d+_\d+$/.test(name))).toEqual([]);
    expect(await collectionNames()).not.toContain('activetickets');
    await ticketsUnchanged();
  });
});
