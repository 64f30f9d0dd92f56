import { createHmac } from 'node:crypto';

/** AES-256: a key-encryption key is exactly 32 bytes. */
export const KEY_ENCRYPTION_KEY_BYTES = 32;

/**
 * The key that wraps every recoverable key's data key (KEY_ENCRYPTION_KEY). Its `id` is stored
 * beside each wrapped data key, so a vault can hold data keys wrapped by an older and a newer KEK
 * while it is re-wrapped, and a reveal knows which one to ask for. The id is an HMAC of a fixed
 * label under the key: stable, and it tells nothing about the key itself.
 */
export class KeyEncryptionKey {
  readonly id: string;

  private constructor(readonly material: Buffer) {
    this.id = createHmac('sha256', material).update('key-service key-encryption-key id v1').digest('hex').slice(0, 16);
  }

  /**
   * 32 bytes as 64 hex characters, or base64 / base64url (44 or 43 characters). Throws an Error
   * whose message says what is wrong, never the value.
   */
  static parse(text: string): KeyEncryptionKey {
    const value = text.trim();
    let bytes: Buffer | null = null;
    if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = Buffer.from(value, 'hex');
    else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes === null || bytes.length !== KEY_ENCRYPTION_KEY_BYTES)
      throw new Error(`must be ${KEY_ENCRYPTION_KEY_BYTES} bytes as 64 hex characters or base64 (43-44 characters)`);
    return new KeyEncryptionKey(bytes);
  }

  static of(material: Buffer): KeyEncryptionKey {
    if (material.length !== KEY_ENCRYPTION_KEY_BYTES) throw new Error(`A key-encryption key is ${KEY_ENCRYPTION_KEY_BYTES} bytes`);
    return new KeyEncryptionKey(Buffer.from(material));
  }

  /** Never the material: a KEK that reaches a log line or an error shows its id only. */
  toJSON(): { id: string } {
    return { id: this.id };
  }

  toString(): string {
    return `KeyEncryptionKey(${this.id})`;
  }
}

/**
 * The KEK new data keys are wrapped with (`current`), and older ones that still unwrap what was
 * wrapped before a rotation until the vault is re-wrapped.
 */
export class KeyEncryptionKeyRing {
  private readonly byId: ReadonlyMap<string, KeyEncryptionKey>;

  constructor(
    readonly current: KeyEncryptionKey,
    readonly previous: readonly KeyEncryptionKey[] = [],
  ) {
    this.byId = new Map([...previous, current].map((k) => [k.id, k]));
  }

  get(id: string): KeyEncryptionKey | undefined {
    return this.byId.get(id);
  }
}
