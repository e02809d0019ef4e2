import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Logger } from 'pino';
import type { IntakeCipher, SealedIntake } from '../handoff';

interface SealedItem {
  eTag?: string;
  sealed: SealedIntake;
  /** In the clear, for the idle sweep: the state must outlive the idle period (see MongoStorage). */
  held?: true;
}

/**
 * Encrypts conversation state before it reaches the database: while a victim inquiry is being
 * taken, its answers live in dialog state, and special-category data must be encrypted at rest.
 * The storage key is bound to each item, so an item copied under another key does not open.
 */
export class SealedStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    private readonly cipher: IntakeCipher,
    private readonly logger: Logger,
    /** Which states the idle sweep must keep: decided here, the last place that sees them in the clear. */
    private readonly holds: (state: StoreItem) => boolean = () => false,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.inner.read(keys);
    const opened: StoreItems = {};
    for (const [key, item] of Object.entries(items)) {
      const { eTag, sealed } = item as SealedItem;
      try {
        opened[key] = { ...this.cipher.open<StoreItem>(sealed, key), eTag };
      } catch (error) {
        // Sealed with another key (rotated, or a development key lost): start this conversation afresh.
        this.logger.warn({ err: error, key }, 'conversation state could not be decrypted; starting afresh');
        opened[key] = { eTag };
      }
    }
    return opened;
  }

  async write(changes: StoreItems): Promise<void> {
    const sealed: StoreItems = {};
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...state } = item as StoreItem;
      sealed[key] = {
        eTag,
        sealed: this.cipher.seal(state, key),
        ...(this.holds(state) ? { held: true } : {}),
      } satisfies SealedItem;
    }
    await this.inner.write(sealed);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}
