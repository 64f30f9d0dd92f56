import { RateLimit, StoredKeyStatus, UsageQuota } from '@key-service/events';

/** What list, get, the compat routes and a command's response show of a key. No hash, no secret. */
export interface KeyDetails {
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
  // Access restrictions. Documents stored before them lack both: read them as null and [].
  readonly allowedIps: readonly string[] | null;
  readonly permissions: readonly string[];
}

/** The query model's document of a key: its details and where it sits in the list order. */
export interface KeyDetailsView extends KeyDetails {
  /** Global position of KeyCreated: a stable order for cursor pagination. */
  readonly createdPosition: number;
}
