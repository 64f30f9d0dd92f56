import { effectiveStatus, keyStreamId } from '@key-service/events';
import { hasValidChecksum } from '../secrets/api-key-secret';
import { importedKeyHash } from '../secrets/imported-key-hash';
import { KeyHasher } from '../secrets/key-hasher';
import { ValidationRecord } from '../validation/validation-record';
import { UsageLimiter } from '../limiting/usage-limiter.port';
import { ValidationLookup } from './validation-lookup.port';
import { ipForbidden, NO_ACCESS_CONTEXT, permissionsUnmet, VerifyAccess } from './verify-access';
import { VerifyCode, VerifyResult } from './verify-result';

export interface KeyVerifierDeps {
  readonly hasher: KeyHasher;
  readonly lookup: ValidationLookup;
  readonly limiter: UsageLimiter;
  /**
   * The hashes of imported keys (ImportedHashIndex): only a presented key whose SHA-256 is one of
   * them is looked up by it. Without it, imported keys do not verify here.
   */
  readonly imported?: { has(hash: string): boolean; readonly size: number };
  /**
   * Called once per answer about a known key (every code but NOT_FOUND) with the key's stream id
   * (`<tenant>/<id>`: ids are unique per tenant only), the code and whether the key has a quota;
   * must not block (answers are counted in memory and flushed elsewhere).
   */
  readonly onOutcome?: (streamId: string, code: VerifyCode, hasQuota: boolean) => void;
  readonly now?: () => number;
}

const NOT_FOUND: VerifyResult = { valid: false, code: 'NOT_FOUND' };

/**
 * Decides whether a presented key is valid, in this order: shape and checksum (no lookup), the
 * record of its hash, grace period, status and expiry, the caller's address (FORBIDDEN), roles,
 * permissions, then rate limit and quota: Unkey's order, so a refused request never spends a
 * limit. The same class serves the key service's verify route and the guard other services mount.
 */
export class KeyVerifier {
  private readonly now: () => number;

  constructor(private readonly deps: KeyVerifierDeps) {
    this.now = deps.now ?? Date.now;
  }

  async verify(plaintext: string, requiredRoles: readonly string[] = [], access: VerifyAccess = NO_ACCESS_CONTEXT): Promise<VerifyResult> {
    const record = await this.recordOf(plaintext);
    if (!record) return NOT_FOUND;
    const now = this.now();
    if (record.validUntil !== null && Date.parse(record.validUntil) <= now) return NOT_FOUND;
    const about = { keyId: record.keyId, tenant: record.tenant, name: record.name, roles: record.roles, expiresAt: record.expiresAt };
    const status = effectiveStatus(record.status, record.expiresAt, new Date(now));
    const streamId = keyStreamId(record.tenant, record.keyId);
    const hasQuota = record.quota !== null;
    if (status !== 'ACTIVE') {
      this.deps.onOutcome?.(streamId, status, hasQuota);
      return { valid: false, code: status, ...about };
    }
    if (ipForbidden(record, access.ip)) {
      this.deps.onOutcome?.(streamId, 'FORBIDDEN', hasQuota);
      return { valid: false, code: 'FORBIDDEN', ...about };
    }
    if (requiredRoles.some((role) => !record.roles.includes(role))) {
      this.deps.onOutcome?.(streamId, 'INSUFFICIENT_ROLES', hasQuota);
      return { valid: false, code: 'INSUFFICIENT_ROLES', ...about };
    }
    if (permissionsUnmet(record, access.permissions)) {
      this.deps.onOutcome?.(streamId, 'INSUFFICIENT_PERMISSIONS', hasQuota);
      return { valid: false, code: 'INSUFFICIENT_PERMISSIONS', ...about };
    }
    const limits = await this.deps.limiter.admit(
      { streamId, rateLimit: record.rateLimit, quota: record.quota, quotaSetAt: record.quotaSetAt ?? null },
      now,
    );
    const usage = { ...(limits.ratelimit ? { ratelimit: limits.ratelimit } : {}), ...(limits.remaining !== undefined ? { remaining: limits.remaining } : {}) };
    if (!limits.admitted) {
      this.deps.onOutcome?.(streamId, limits.code, hasQuota);
      return { valid: false, code: limits.code, ...about, ...usage };
    }
    this.deps.onOutcome?.(streamId, 'VALID', hasQuota);
    return { valid: true, code: 'VALID', ...about, ...usage };
  }

  /**
   * A key of this service's shape and checksum is looked up by its HMAC; any other text (or one of
   * our shape issued elsewhere and imported) by its SHA-256, but only when that is an imported
   * key's, which the in-process index says without a lookup: a guess costs no read either way.
   * Public for what else must name a key by its plaintext the way verify does (leak reports).
   */
  async recordOf(plaintext: string): Promise<ValidationRecord | null> {
    if (hasValidChecksum(plaintext)) {
      const record = await this.deps.lookup.lookup(this.deps.hasher.hash(plaintext));
      if (record) return record;
    }
    const imported = this.deps.imported;
    if (!imported || imported.size === 0) return null;
    const hash = importedKeyHash(plaintext);
    return imported.has(hash) ? this.deps.lookup.lookup(hash) : null;
  }
}
