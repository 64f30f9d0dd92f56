import { RateLimit, StoredKeyStatus, UsageQuota } from '@key-service/events';
import { IpRange } from '../access/ip-allowlist';

/**
 * The compact record the key service's validation model stores under one key hash (Redis value,
 * PostgreSQL row, in-process cache entry): all verify reads. The projections write it
 * (`validationRecords` in libs/projections); verifiers only read it.
 */
export interface ValidationRecord {
  readonly keyId: string;
  readonly tenant: string;
  readonly name: string;
  readonly status: StoredKeyStatus;
  readonly roles: readonly string[];
  readonly expiresAt: string | null;
  /** Set for a rotated-out secret: the end of its grace period. */
  readonly validUntil: string | null;
  readonly rateLimit: RateLimit | null;
  readonly quota: UsageQuota | null;
  readonly quotaSetAt: string | null;
  readonly version: number;
  // Access restrictions, present only when the key has them (records stored before have neither).
  /** The allowlist parsed into ranges when the record is built, so verify parses only the caller's address. */
  readonly ipRanges?: readonly IpRange[];
  /** The key's permissions, for permission queries (a Set of them is made once per record in memory: permissionSetOf). */
  readonly permissions?: readonly string[];
}
