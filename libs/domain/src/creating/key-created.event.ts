import { RateLimit, UsageQuota } from '../limits';

export const KEY_CREATED = 'KeyCreated';

export interface KeyCreatedData {
  readonly keyId: string;
  readonly tenant: string;
  readonly name: string;
  readonly description: string | null;
  /** HMAC-SHA-256 of the secret under the server's pepper: never the secret itself. */
  readonly hash: string;
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
}

export interface KeyCreated {
  readonly type: typeof KEY_CREATED;
  readonly data: KeyCreatedData;
}
