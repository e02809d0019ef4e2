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
 */
export class ResilientStorage implements Storage {
  /** `connected` lets turns skip the database at once while it is known to be away. */
  constructor(
    private readonly inner: Storage,
    private readonly logger: Logger,
    private readonly connected: () => boolean,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    try {
      if (!this.connected()) throw new StorageUnavailable('database disconnected');
      return await withTimeout(this.inner.read(keys), 'state read');
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
      await withTimeout(this.inner.write(changes), 'state write');
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.logger.warn(
        { err: error, keys: Object.keys(changes).length },
        'conversation state not saved: database unavailable',
      );
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.inner.delete(keys);
  }
}
