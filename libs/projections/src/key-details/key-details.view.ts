import { RateLimit, StoredKeyStatus, UsageQuota } from '@keys/domain';

/** What list, get and the compat routes show of a key. No hash, no secret. */
export interface KeyDetailsView {
  readonly keyId: string;
  readonly tenant: string;
  readonly name: string;
  readonly description: string | null;
  readonly prefix: string;
  readonly start: string;
  readonly roles: readonly string[];
  readonly owner: string | null;
  readonly environment: string | null;
  readonly annotations: Readonly<Record<string, string>>;
  readonly expiresAt: string | null;
  readonly rateLimit: RateLimit | null;
  readonly quota: UsageQuota | null;
  readonly status: StoredKeyStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastUsedAt: string | null;
  readonly usageCount: number;
  readonly revokedAt: string | null;
  readonly revokeReason: string | null;
  readonly version: number;
  /** Global position of KeyCreated: a stable order for cursor pagination. */
  readonly createdPosition: number;
}
