import { InteractionLog, liveMessagesSince, purgeLiveMessages } from '../../accounting';
import { InteractionModel, LIVE_BUCKET_MS, liveMessageBucketOf, liveMessageBuckets } from '../../models';
import { silentLogger, useTestDatabase } from '../helpers/db';

const HOUR_MS = 3_600_000;

describe("the recent window of citizens' messages", () => {
  useTestDatabase();

  it('gets each citizen message once as the log writes it, read by time, and drops buckets past the window', async () => {
    const log = new InteractionLog({ logger: silentLogger });
    const now = new Date();
    const base = { crisisSlug: 'window', channelId: 'test', lang: 'en' } as const;
    const old = new Date(now.getTime() - 4 * HOUR_MS);
    const earlier = new Date(now.getTime() - 2 * LIVE_BUCKET_MS);
    log.record({ ...base, conversationId: 'old', direction: 'in', kind: 'answer', at: old });
    log.record({ ...base, conversationId: 'earlier', direction: 'in', kind: 'handoff', at: earlier });
    log.record({ ...base, conversationId: 'new', direction: 'in', kind: 'clarify', options: 2, at: now });
    log.record({ ...base, conversationId: 'new', direction: 'out', kind: 'clarify', at: now });
    await log.close();

    expect(await InteractionModel.countDocuments({ crisisSlug: 'window' })).toBe(4);
    const all = await liveMessagesSince(old, now);
    expect(all.map((m) => [m.conversationId, m.kind, m.options ?? null])).toEqual([
      ['old', 'answer', null],
      ['earlier', 'handoff', null],
      ['new', 'clarify', 2],
    ]);
    // A read since a moment opens the buckets from that moment on, and filters the first.
    const since = new Date(earlier.getTime() + 1);
    expect((await liveMessagesSince(since, now)).map((m) => m.conversationId)).toEqual(['new']);

    expect(await purgeLiveMessages(now)).toBe(1);
    expect(await liveMessageBuckets()).not.toContain(liveMessageBucketOf(old));
    expect((await liveMessagesSince(old, now)).map((m) => m.conversationId)).toEqual(['earlier', 'new']);
    // The log itself keeps everything until its own retention.
    expect(await InteractionModel.countDocuments({ crisisSlug: 'window' })).toBe(4);
  });
});
