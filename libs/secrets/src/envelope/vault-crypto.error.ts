/**
 * A sealed secret that cannot be opened: altered, bound to another key, or wrapped by a KEK this
 * process does not hold. The message names the KEK id at most, never material or plaintext.
 */
export class VaultCryptoError extends Error {
  constructor(
    readonly reason: 'unknown-kek' | 'tampered',
    message: string,
  ) {
    super(message);
    this.name = 'VaultCryptoError';
  }
}
