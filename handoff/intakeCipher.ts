import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface SealedIntake {
  iv: string;
  tag: string;
  data: string;
  /** Which key sealed it (a hash prefix, never the key), so a rotated key is detected rather than misread. */
  keyId: string;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

/**
 * Encrypts D2 intake data at rest with AES-256-GCM. `boundTo` (the ticket id, the state key) is
 * authenticated as associated data, so a sealed value moved to another document does not open.
 */
export class IntakeCipher {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('D2 encryption key must be 32 bytes (base64 or hex of 256 bits)');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
  }

  /** Accepts 64 hex characters or base64 of 32 bytes. */
  static fromText(text: string): IntakeCipher {
    const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    return new IntakeCipher(key);
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** A key for another purpose (HKDF-SHA256 of this one): every process that can read the state derives the same. */
  deriveKey(purpose: string): Uint8Array {
    return new Uint8Array(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, 32));
  }

  seal(value: unknown, boundTo: string): SealedIntake {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
      keyId: this.keyId,
    };
  }

  open<T>(sealed: SealedIntake, boundTo: string): T {
    if (sealed.keyId !== this.keyId) throw new Error('intake sealed with another key');
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }
}
