/**
 * Rule violations the aggregate reports. `code` is stable and mapped to HTTP by the API layer;
 * messages name the key but never a secret.
 */
export type KeyDomainErrorCode =
  | 'KEY_ALREADY_EXISTS'
  | 'KEY_NOT_FOUND'
  | 'KEY_REVOKED'
  | 'KEY_ALREADY_DISABLED'
  | 'KEY_NOT_DISABLED'
  | 'INVALID_EXPIRY'
  | 'INVALID_GRACE_PERIOD'
  | 'INVALID_USAGE'
  | 'KEY_NOT_RECOVERABLE';

export class KeyDomainError extends Error {
  constructor(
    readonly code: KeyDomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyDomainError';
  }
}
