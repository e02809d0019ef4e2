import { InteractionLog, purgeOldInteractions } from '../../accounting';
import { conversationMarks, InteractionModel } from '../../models';
import { silentLogger, useTestDatabase } from '../helpers/db';

useTestDatabase();

const DAY_MS = 24 * 60 * 60 * 1000;

async function write(at: Date, conversations: number): Promise<void> {
  const log = new InteractionLog({ logger: silentLogger, flushIntervalMs: 60_000 });
  for (let i = 0; i < conversations; i++) {
    log.record({
      crisisSlug: 'kept',
      conversationId: `c${at.getTime()}-${i}`,
      channelId: 'test',
      direction: 'in',
      at,
    });
  }
  await log.close();
}

describe('retention of the interaction log', () => {
  it('reads the log only once a day of it has expired, then deletes entries and marks older than the period', async () => {
    const old = new Date('2026-01-10T12:00:00Z');
    const recent = new Date('2026-03-01T12:00:00Z');
    await write(old, 3);
    await write(recent, 2);
    // The first sweep of a log finds no record of its days yet and reads it whole, once.
    expect(await purgeOldInteractions({ now: new Date('2026-01-20T00:00:00Z'), retentionDays: 30 })).toBe(0);
    const deletes = jest.spyOn(InteractionModel, 'deleteMany');
    try {
      expect(await purgeOldInteractions({ now: new Date('2026-02-05T00:00:00Z'), retentionDays: 30 })).toBe(
        0,
      );
      expect(deletes).not.toHaveBeenCalled();

      const expiry = new Date(old.getTime() + 30 * DAY_MS + 60_000);
      expect(await purgeOldInteractions({ now: expiry, retentionDays: 30 })).toBe(3);
    } finally {
      deletes.mockRestore();
    }
    expect(await InteractionModel.countDocuments({ crisisSlug: 'kept' })).toBe(2);
    let marks = 0;
    for (const partition of await conversationMarks.all()) marks += await partition.countDocuments({});
    expect(marks).toBe(2);
  });
});
