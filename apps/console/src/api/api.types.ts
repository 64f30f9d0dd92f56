// The shapes of the key service's JSON, as /docs/json declares them (only what the console reads).

export type KeyStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'DISABLED';

export interface RateLimit {
  limit: number;
  durationMs: number;
}

export interface Quota {
  remaining: number;
  refill: 'daily' | 'monthly' | null;
  refillAmount: number | null;
}

export interface KeyRecord {
  id: string;
  tenant: string;
  name: string;
  description: string | null;
  prefix: string;
  start: string;
  roles: string[];
  owner: string | null;
  environment: string | null;
  annotations: Record<string, string>;
  status: KeyStatus;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  usageCount: number;
  revokedAt: string | null;
  revokeReason: string | null;
  rateLimit: RateLimit | null;
  quota: Quota | null;
  version: number;
  /** Canonical addresses and CIDR ranges the key verifies from; null: any. */
  allowedIps: string[] | null;
  permissions: string[];
}

export interface CreatedKey extends KeyRecord {
  key: string;
}

export interface RotatedKey extends KeyRecord {
  key: string;
  previousKeyValidUntil: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditEvent {
  eventId: string;
  keyId: string;
  tenant: string;
  type: string;
  version: number;
  position: number;
  occurredAt: string;
  actor: { type: string; id: string };
  correlationId: string;
  schemaVersion: number;
  data: Record<string, unknown>;
}

export type Granularity = 'minute' | 'hour' | 'day';

export interface VerificationBucket {
  start: string;
  total: number;
  counts: Record<string, number>;
}

export interface KeyVerifications {
  keyId: string;
  tenant: string;
  granularity: Granularity;
  from: string;
  to: string;
  buckets: VerificationBucket[];
}

/** Who signed in: the root key, or a management key of one tenant. */
export type Principal =
  | { readonly kind: 'root' }
  | { readonly kind: 'key'; readonly keyId: string; readonly tenant: string; readonly roles: readonly string[] };

export function canManage(principal: Principal): boolean {
  return principal.kind === 'root' || principal.roles.includes('admin');
}

/** A key is addressed by tenant and id: the root key may see the same id in several tenants. */
export interface KeyAddress {
  readonly tenant: string;
  readonly id: string;
}
