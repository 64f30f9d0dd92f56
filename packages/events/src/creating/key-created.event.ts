import { RateLimit, UsageQuota } from '../limits';

export const KEY_CREATED = 'KeyCreated';

/**
 * How `hash` was made. `hmac-sha256`: HMAC-SHA-256 under the server's pepper of a secret this
 * service issued. `sha256`: a key imported from another system by the SHA-256 of its plaintext
 * (verify looks such a key up by that digest; see docs/verification.md).
 */
export type KeyHashAlgorithm = 'hmac-sha256' | 'sha256';

export interface KeyCreatedData {
  readonly keyId: string;
  readonly tenant: string;
  readonly name: string;
  readonly description: string | null;
  /**
   * Never the secret itself: HMAC-SHA-256 of it under the server's pepper (base64url), or for an
   * imported key `sha256:` and the SHA-256 of its plaintext (base64url).
   */
  readonly hash: string;
  /** Since schema version 2; version 1 events were all `hmac-sha256`. */
  readonly hashAlgorithm: KeyHashAlgorithm;
  readonly prefix: string;
  /** Display hint, e.g. `sk_…a1B2`. */
  readonly start: string;
  readonly roles: readonly string[];
  readonly owner: string | null;
  readonly environment: string | null;
  readonly expiresAt: string | null;
  readonly annotations: Readonly<Record<string, string>>;
  readonly rateLimit: RateLimit | null;
  readonly quota: UsageQuota | null;
  // Access restrictions (schema version 3; version 2 events are upcast to none of them).
  /** Canonical IP addresses and CIDR ranges verify admits the key from; null: any address. */
  readonly allowedIps: readonly string[] | null;
  /** What permission queries at verify are evaluated against. */
  readonly permissions: readonly string[];
}

export interface KeyCreated {
  readonly type: typeof KEY_CREATED;
  readonly data: KeyCreatedData;
}
