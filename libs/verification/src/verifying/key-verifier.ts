import { effectiveStatus, keyStreamId } from '@keys/domain';
import { hasValidChecksum, KeyHasher } from '@keys/secrets';
import { UsageLimiter } from '../limiting/usage-limiter.port';
import { ValidationLookup } from './validation-lookup.port';
import { VerifyCode, VerifyResult } from './verify-result';

export interface KeyVerifierDeps {
  readonly hasher: KeyHasher;
  readonly lookup: ValidationLookup;
  readonly limiter: UsageLimiter;
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
 * record of its hash, grace period, status and expiry, roles, then rate limit and quota. The same
 * class serves the key service's verify route and the guard other services mount.
 */
export class KeyVerifier {
  private readonly now: () => number;

  constructor(private readonly deps: KeyVerifierDeps) {
    this.now = deps.now ?? Date.now;
  }

  async verify(plaintext: string, requiredRoles: readonly string[] = []): Promise<VerifyResult> {
    if (!hasValidChecksum(plaintext)) return NOT_FOUND;
    const record = await this.deps.lookup.lookup(this.deps.hasher.hash(plaintext));
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
    if (requiredRoles.some((role) => !record.roles.includes(role))) {
      this.deps.onOutcome?.(streamId, 'INSUFFICIENT_ROLES', hasQuota);
      return { valid: false, code: 'INSUFFICIENT_ROLES', ...about };
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
}
