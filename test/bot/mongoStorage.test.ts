import { botStates, preparePartitions } from '../../models';
import { ETagConflictError, MongoStorage } from '../../bot/mongoStorage';
import { silentLogger, useTestDatabase } from '../helpers/db';

useTestDatabase();

const storage = new MongoStorage();
let n = 0;
const newKey = () => `test/conversations/c${++n}`;

// One collection (MongoDB's layout) and partitions (FerretDB's): the same behaviour either way.
describe.each([1, 8])('MongoStorage, conversation state in %i collection(s)', (partitions) => {
  beforeAll(() => preparePartitions({ requested: partitions, logger: silentLogger }));

  it('reads back what it wrote, with an eTag, including keys MongoDB refuses as field names', async () => {
    const key = newKey();
    const state = { count: 1, dialogStack: [{ id: 'root', state: { $type: 'x', 'a.b': 2 } }] };
    await storage.write({ [key]: state });

    const items = await storage.read([key, 'test/missing']);

    expect(Object.keys(items)).toEqual([key]);
    expect(items[key]).toEqual({ ...state, eTag: expect.any(String) });
  });

  it('reads nothing for no keys and deletes what it is told to', async () => {
    const [kept, gone] = [newKey(), newKey()];
    await storage.write({ [kept]: { v: 1 }, [gone]: { v: 2 } });

    await storage.delete([gone, 'test/never-written']);

    expect(await storage.read([])).toEqual({});
    expect(Object.keys(await storage.read([kept, gone]))).toEqual([kept]);
  });

  it('writes with the eTag it read and gives the item a new eTag each time', async () => {
    const key = newKey();
    await storage.write({ [key]: { v: 1 } });
    const first = (await storage.read([key]))[key]!;

    await storage.write({ [key]: { ...first, v: 2 } });
    const second = (await storage.read([key]))[key]!;

    expect(second.v).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);
  });

  it('refuses a write with a stale eTag and keeps the newer state', async () => {
    const key = newKey();
    await storage.write({ [key]: { v: 1 } });
    const stale = (await storage.read([key]))[key]!;
    await storage.write({ [key]: { ...stale, v: 2 } });

    await expect(storage.write({ [key]: { ...stale, v: 3 } })).rejects.toThrow(/eTag conflict for key/);
    expect((await storage.read([key]))[key]!.v).toBe(2);
  });

  it('refuses a specific eTag for a key that does not exist, and creates nothing', async () => {
    const key = newKey();

    await expect(storage.write({ [key]: { v: 1, eTag: 'made-up' } })).rejects.toBeInstanceOf(
      ETagConflictError,
    );
    expect(await (await botStates.for(key)).countDocuments({ _id: key })).toBe(0);
  });

  it("overwrites whatever is stored when the eTag is '*' or missing", async () => {
    const key = newKey();
    await storage.write({ [key]: { v: 1 } });
    await storage.write({ [key]: { v: 2, eTag: '*' } });
    expect((await storage.read([key]))[key]!.v).toBe(2);

    await storage.write({ [key]: { v: 3 } });
    expect((await storage.read([key]))[key]!.v).toBe(3);
  });

  it('lets exactly one of several writers holding the same eTag win', async () => {
    const key = newKey();
    await storage.write({ [key]: { v: -1 } });
    // Several rounds of several writers, because a race that is lost only sometimes must show here.
    for (let round = 0; round < 3; round++) {
      const read = (await storage.read([key]))[key]!;

      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, writer) => new MongoStorage().write({ [key]: { ...read, v: writer } })),
      );

      const winners = results.flatMap((r, writer) => (r.status === 'fulfilled' ? [writer] : []));
      expect(winners).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ETagConflictError);
      }
      expect((await storage.read([key]))[key]!.v).toBe(winners[0]);
    }
  });

  it("creates a new key once when many '*' writers race for it", async () => {
    const key = newKey();

    await Promise.all(
      Array.from({ length: 8 }, (_, i) => new MongoStorage().write({ [key]: { v: i, eTag: '*' } })),
    );

    expect(await (await botStates.for(key)).countDocuments({ _id: key })).toBe(1);
  });

  it('still writes the other keys of a batch when one of them conflicts', async () => {
    const [ok, conflicting] = [newKey(), newKey()];
    await storage.write({ [conflicting]: { v: 1 } });

    await expect(storage.write({ [ok]: { v: 1 }, [conflicting]: { v: 2, eTag: 'stale' } })).rejects.toThrow(
      conflicting,
    );
    const items = await storage.read([ok, conflicting]);
    expect(items[ok]!.v).toBe(1);
    expect(items[conflicting]!.v).toBe(1);
  });
});
