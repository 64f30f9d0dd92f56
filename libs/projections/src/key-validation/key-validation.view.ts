import { GraceSecret, LimitUsage } from '@keys/domain';
import { RateLimit, StoredKeyStatus, UsageQuota } from '@key-service/events';
import { ipRangesOf, ValidationRecord } from '@key-service/verifier';

// The record stored under each hash is what verifiers read: it is defined with them.
export type { ValidationRecord };

/** Per key: what verify needs, and every hash that leads to it. */
export interface KeyValidationView {
  readonly keyId: string;
  readonly tenant: string;
  readonly name: string;
  readonly status: StoredKeyStatus;
  readonly roles: readonly string[];
  readonly expiresAt: string | null;
  readonly rateLimit: RateLimit | null;
  readonly quota: UsageQuota | null;
  /** When the quota was last set: its counters start afresh from then. */
  readonly quotaSetAt: string | null;
  /** Usage in the log against the limits (views stored before it was kept lack it); verify never reads it. */
  readonly limitUsage?: LimitUsage;
  readonly hash: string;
  readonly graceSecrets: readonly GraceSecret[];
  readonly version: number;
  // Access restrictions: present only when the key has them, so the views of every other key stay
  // byte-identical to those stored before they existed.
  /** The canonical allowlist; absent: any address. */
  readonly allowedIps?: readonly string[];
  /** Absent: none. */
  readonly permissions?: readonly string[];
}

/** The records to store under each hash for a key's view (the current and every grace secret). */
export function validationRecords(view: KeyValidationView): Array<[hash: string, record: ValidationRecord]> {
  // The allowlist parsed here, once per record written, never per verify.
  const ipRanges = view.allowedIps ? ipRangesOf(view.allowedIps) : undefined;
  return [
    [view.hash, recordOf(view, ipRanges, null)],
    ...view.graceSecrets.map((g): [string, ValidationRecord] => [g.hash, recordOf(view, ipRanges, g.validUntil)]),
  ];
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One record, its fields in the order records have always had (the view's, then the access fields
 * it has, then validUntil). Built as a literal with fields added, not as `{ ...base, validUntil }`:
 * V8 gave every such spread a hidden class of its own, about 10 µs per command's records.
 */
function recordOf(view: KeyValidationView, ipRanges: ValidationRecord['ipRanges'], validUntil: string | null): ValidationRecord {
  const record: Omit<Writable<ValidationRecord>, 'validUntil'> & { validUntil?: string | null } = {
    keyId: view.keyId,
    tenant: view.tenant,
    name: view.name,
    status: view.status,
    roles: view.roles,
    expiresAt: view.expiresAt,
    rateLimit: view.rateLimit,
    quota: view.quota,
    quotaSetAt: view.quotaSetAt,
    version: view.version,
  };
  if (ipRanges) record.ipRanges = ipRanges;
  if (view.permissions && view.permissions.length > 0) record.permissions = view.permissions;
  record.validUntil = validUntil;
  return record as ValidationRecord;
}

/** The view's access fields from a key's allowlist and permissions: absent when it has none. */
export function viewAccessOf(allowedIps: readonly string[] | null | undefined, permissions: readonly string[] | undefined): Pick<KeyValidationView, 'allowedIps' | 'permissions'> {
  return {
    ...(allowedIps ? { allowedIps } : {}),
    ...(permissions && permissions.length > 0 ? { permissions } : {}),
  };
}

/** Hashes a new view no longer carries: their records must be removed. */
export function droppedHashes(before: KeyValidationView | null, after: KeyValidationView | null): string[] {
  if (!before) return [];
  const kept = new Set(after ? validationRecords(after).map(([h]) => h) : []);
  return validationRecords(before)
    .map(([h]) => h)
    .filter((h) => !kept.has(h));
}
