import mongoose from 'mongoose';
import { IntakeCipher } from '../../handoff';
import { UnansweredInbox } from '../../inbox';
import { normalize } from '../../semantic';
import { silentLogger, useTestDatabase } from '../helpers/db';

const DAY_MS = 86_400_000;

describe('the unanswered inbox store', () => {
  useTestDatabase();
  const inbox = new UnansweredInbox(new IntakeCipher(Buffer.alloc(32, 3)), silentLogger);
  const vector = (seed: number) => normalize(Array.from({ length: 8 }, (_, i) => Math.sin(seed * (i + 1))));

  it('keeps each crisis apart, and a message moved to another crisis does not open', async () => {
    await inbox.record({
      crisisSlug: 'crisis-a',
      text: 'school tomorrow?',
      lang: 'en',
      source: 'none',
      vector: vector(1),
    });
    await inbox.record({ crisisSlug: 'crisis-b', text: 'école demain ?', lang: 'fr', source: 'clarify' });
    expect((await inbox.groups('crisis-a')).map((g) => g.examples.map((e) => e.text))).toEqual([
      ['school tomorrow?'],
    ]);
    await mongoose.connection
      .db!.collection('unansweredmessages')
      .updateMany({}, { $set: { crisisSlug: 'crisis-b' } });
    expect((await inbox.openMessages('crisis-b')).map((m) => m.text)).toEqual(['école demain ?']);
  });

  it('groups with the count, languages, first and last seen, and the closest entry most often found', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 11, 4, 10, minutes));
    const v = vector(2);
    await inbox.record(
      {
        crisisSlug: 'c',
        text: 'kan ik mijn kinderen ophalen?',
        lang: 'nl',
        source: 'none',
        vector: v,
        closestFaqId: 'schools',
      },
      at(1),
    );
    await inbox.record(
      {
        crisisSlug: 'c',
        text: 'puis-je aller chercher mes enfants ?',
        lang: 'fr',
        source: 'clarify',
        vector: v,
        closestFaqId: 'schools',
      },
      at(5),
    );
    await inbox.record(
      {
        crisisSlug: 'c',
        text: 'other',
        lang: 'en',
        source: 'unhelpful',
        vector: vector(3),
        closestFaqId: 'x',
      },
      at(9),
    );
    const [first, second] = await inbox.groups('c');
    expect(first).toMatchObject({
      count: 2,
      languages: { nl: 1, fr: 1 },
      sources: { none: 1, clarify: 1 },
      firstSeen: at(1).toISOString(),
      lastSeen: at(5).toISOString(),
      closestFaqId: 'schools',
    });
    expect(first!.examples.map((e) => e.lang)).toEqual(['fr', 'nl']);
    expect(second).toMatchObject({ count: 1, closestFaqId: 'x' });
  });

  it('deletes what is older than the retention period, whatever its state', async () => {
    await mongoose.connection.db!.collection('unansweredmessages').deleteMany({});
    const now = Date.now();
    const old = await inbox.record(
      { crisisSlug: 'c', text: 'old', lang: 'en', source: 'none' },
      new Date(now - 15 * DAY_MS),
    );
    await inbox.close('c', [old], 'taught');
    await inbox.record(
      { crisisSlug: 'c', text: 'recent', lang: 'en', source: 'none' },
      new Date(now - 13 * DAY_MS),
    );
    expect(await inbox.purgeOlderThan(new Date(now - 14 * DAY_MS))).toBe(1);
    expect((await inbox.openMessages('c')).map((m) => m.text)).toEqual(['recent']);
  });
});
