import { RateLimit, UsageQuota } from '../limits';

export const KEY_UPDATED = 'KeyUpdated';

/** Only the fields that changed are present; `null` clears an optional field. */
export interface KeyUpdatedData {
  readonly name?: string;
  readonly description?: string | null;
  readonly roles?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly expiresAt?: string | null;
  readonly owner?: string | null;
  readonly environment?: string | null;
  readonly rateLimit?: RateLimit | null;
  readonly quota?: UsageQuota | null;
  // Access restrictions (schema version 2; version 1 events have neither).
  /** `null` lifts the restriction. */
  readonly allowedIps?: readonly string[] | null;
  readonly permissions?: readonly string[];
}

export interface KeyUpdated {
  readonly type: typeof KEY_UPDATED;
  readonly data: KeyUpdatedData;
}
