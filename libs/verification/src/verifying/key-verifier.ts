import { effectiveStatus, keyStreamId } from '@keys/domain';
import { hasValidChecksum, KeyHasher } from '@keys/secrets';
import { UsageLimiter } from '../limiting/usage-limiter.port';
import { ValidationLookup } from './validation-lookup.port';
import { VerifyResult } from './verify-result';

export interface KeyVerifierDeps {
  readonly hasher: KeyHasher;
  readonly lookup: ValidationLookup;
  readonly limiter: UsageLimiter;
  /**
   * Called once per VALID answer with the key's stream id (`<tenant>/<id>`: ids are unique per
   * tenant only) and whether it has a quota; must not block (usage is buffered and flushed elsewhere).
   */
  readonly onValid?: (streamId: string, hasQuota: boolean) => void;
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
    if (status !== 'ACTIVE') return { valid: false, code: status, ...about };
    if (requiredRoles.some((role) => !record.roles.includes(role))) return { valid: false, code: 'INSUFFICIENT_ROLES', ...about };
    const streamId = keyStreamId(record.tenant, record.keyId);
    const limits = await this.deps.limiter.admit(
      { streamId, rateLimit: record.rateLimit, quota: record.quota, quotaSetAt: record.quotaSetAt ?? null },
      now,
    );
    const usage = { ...(limits.ratelimit ? { ratelimit: limits.ratelimit } : {}), ...(limits.remaining !== undefined ? { remaining: limits.remaining } : {}) };
    if (!limits.admitted) return { valid: false, code: limits.code, ...about, ...usage };
    this.deps.onValid?.(streamId, record.quota !== null);
    return { valid: true, code: 'VALID', ...about, ...usage };
  }
}
