/**
 * A recoverable key's plaintext, sealed by envelope encryption: encrypted under its own random data
 * key (AES-256-GCM), the data key wrapped (AES-256-GCM) by a key-encryption key named by `kekId`.
 * Each buffer is `iv (12 bytes) | tag (16 bytes) | ciphertext`. Safe to store: without the KEK it
 * is noise; it is still never logged, evented or sent anywhere but the vault table.
 */
export interface SealedSecret {
  readonly kekId: string;
  readonly wrappedKey: Buffer;
  readonly ciphertext: Buffer;
}
