/** The KeyHasher (HMAC under the pepper). */
export const KEY_HASHER = Symbol('KEY_HASHER');
/** The ResolvedSecrets: root key hash and, on first embedded start, the generated root key. */
export const RESOLVED_SECRETS = Symbol('RESOLVED_SECRETS');
/** The KeyEncryptionKeyRing that seals recoverable keys, or null when none is configured (distributed, no KEY_ENCRYPTION_KEY). */
export const KEY_ENCRYPTION_KEYS = Symbol('KEY_ENCRYPTION_KEYS');
