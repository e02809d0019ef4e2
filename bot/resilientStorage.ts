import type { Storage, StoreItems } from 'botbuilder';
import type { Logger } from 'pino';

/** How long a turn waits for conversation state before going on without it. */
const STATE_TIMEOUT_MS = 1500;

class StorageUnavailable extends Error {}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageUnavailable(`${what} timed out`)), STATE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Connection-level failures, as opposed to an eTag conflict, which must still fail the turn. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof StorageUnavailable) return true;
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return (
    /Mongo(ose)?(ServerSelection|Network|NotConnected|Timeout)/.test(name) ||
    /buffering timed out/.test(String(error))
  );
}

/**
 * Keeps the bot answering while the database is briefly away: content is in memory, so a
 * turn can run without its conversation state. Reads then start from empty state and writes
 * are skipped (logged); conversations resume their stored state once the database is back.
 *
 * A write that outlasts the turn's wait goes on in the background (a busy database, not a lost
 * one); the conversation's next read waits for it first, within the same limit, so that a slow
 * write is never overtaken by a read of the state it replaces.
 */
export class ResilientStorage implements Storage {
  /** The latest write of each key still under way. */
  private readonly writing = new Map<string, Promise<void>>();

  /** `connected` lets turns skip the database at once while it is known to be away. */
  constructor(
    private readonly inner: Storage,
    private readonly logger: Logger,
    private readonly connected: () => boolean,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    try {
      if (!this.connected()) throw new StorageUnavailable('database disconnected');
      const earlier = keys.flatMap((key) => this.writing.get(key) ?? []);
      return await withTimeout(
        Promise.all(earlier).then(() => this.inner.read(keys)),
        'state read',
      );
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.logger.warn(
        { err: error, keys: keys.length },
        'conversation state unavailable; answering without it',
      );
      return {};
    }
  }

  async write(changes: StoreItems): Promise<void> {
    try {
      if (!this.connected()) throw new StorageUnavailable('database disconnected');
      await withTimeout(this.track(Object.keys(changes), this.inner.write(changes)), 'state write');
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.logger.warn(
        { err: error, keys: Object.keys(changes).length },
        'conversation state not saved in time: database unavailable or slow',
      );
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.inner.delete(keys);
  }

  private track(keys: string[], write: Promise<void>): Promise<void> {
    // Whoever waits for it only needs it over: its failure is the writer's to report.
    const settled = write.then(
      () => undefined,
      () => undefined,
    );
    for (const key of keys) this.writing.set(key, settled);
    void settled.then(() => {
      for (const key of keys) if (this.writing.get(key) === settled) this.writing.delete(key);
    });
    return write;
  }
}
