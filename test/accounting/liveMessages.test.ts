import { InteractionLog, purgeLiveMessages } from '../../accounting';
import { InteractionModel, LiveMessageModel } from '../../models';
import { silentLogger, useTestDatabase } from '../helpers/db';

const HOUR_MS = 3_600_000;

describe("the recent window of citizens' messages", () => {
  useTestDatabase();

  it('gets each message in once as the log writes it, and the sweep keeps only the last hours', async () => {
    const log = new InteractionLog({ logger: silentLogger });
    const now = Date.now();
    const base = { crisisSlug: 'window', channelId: 'test', lang: 'en' } as const;
    log.record({
      ...base,
      conversationId: 'old',
      direction: 'in',
      kind: 'answer',
      at: new Date(now - 4 * HOUR_MS),
    });
    log.record({
      ...base,
      conversationId: 'new',
      direction: 'in',
      kind: 'clarify',
      options: 2,
      at: new Date(now),
    });
    log.record({ ...base, conversationId: 'new', direction: 'out', kind: 'clarify', at: new Date(now) });
    await log.close();

    expect(await InteractionModel.countDocuments({ crisisSlug: 'window' })).toBe(3);
    const recent = await LiveMessageModel.find({ crisisSlug: 'window' }).sort({ at: 1 }).lean();
    expect(recent.map((m) => [m.conversationId, m.kind, m.options ?? null])).toEqual([
      ['old', 'answer', null],
      ['new', 'clarify', 2],
    ]);

    expect(await purgeLiveMessages(new Date(now))).toBe(1);
    expect(
      (await LiveMessageModel.find({ crisisSlug: 'window' }).lean()).map((m) => m.conversationId),
    ).toEqual(['new']);
    // The log itself keeps everything until its own retention.
    expect(await InteractionModel.countDocuments({ crisisSlug: 'window' })).toBe(3);
  });
});
