import { setTimeout as sleep } from 'node:timers/promises';
import type { Storage, StoreItems } from 'botbuilder';
import pino from 'pino';
import { MongoStorage } from '../../bot/mongoStorage';
import { ResilientStorage } from '../../bot/resilientStorage';
import { useTestDatabase } from '../helpers/db';

useTestDatabase();

/** The real storage behind a database that takes `delayMs` to accept each write, as under load. */
class SlowWrites implements Storage {
  constructor(
    private readonly inner: Storage,
    private readonly delayMs: number,
  ) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    await sleep(this.delayMs);
    await this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

function recordingLogger() {
  const lines: { msg: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, messages: () => lines.map((l) => l.msg) };
}

describe('ResilientStorage', () => {
  it('lets a turn end when the state write is slow, and the next read waits for that write', async () => {
    const { logger, messages } = recordingLogger();
    // Longer than a turn waits for its write (1.5 s), and over before the next read's own wait of
    // 1.5 s ends (3 s): in the middle, so a busy machine has 0.75 s of room either side.
    const storage = new ResilientStorage(new SlowWrites(new MongoStorage(), 2250), logger, () => true);
    const key = 'test/conversations/slow-write';

    const started = Date.now();
    await storage.write({ [key]: { step: 'consent-asked' } });
    const turnEnded = Date.now() - started;
    const items = await storage.read([key]);

    expect(turnEnded).toBeLessThan(2250);
    expect(messages()).toContain('conversation state not saved in time: database unavailable or slow');
    expect(items[key]).toEqual({ step: 'consent-asked', eTag: expect.any(String) });
  });

  it('answers without state, at once, while the database is known to be away', async () => {
    const { logger, messages } = recordingLogger();
    const storage = new ResilientStorage(new MongoStorage(), logger, () => false);
    const key = 'test/conversations/outage';

    await storage.write({ [key]: { step: 'lost' } });

    expect(await storage.read([key])).toEqual({});
    expect(messages()).toEqual([
      'conversation state not saved in time: database unavailable or slow',
      'conversation state unavailable; answering without it',
    ]);
  });
});
