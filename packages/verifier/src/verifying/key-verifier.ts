import { keyStreamId } from '@key-service/events';
import { hasValidChecksum } from '../secrets/api-key-secret';
import { importedKeyHash } from '../secrets/imported-key-hash';
import { KeyHasher } from '../secrets/key-hasher';
import { ValidationRecord } from '../validation/validation-record';
import { LimitCheck, UsageLimiter } from '../limiting/usage-limiter.port';
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

const NOT_FOUND: VerifyResult = Object.freeze({ valid: false, code: 'NOT_FOUND' });
const NO_ROLES: readonly string[] = Object.freeze([]);

type About = Pick<VerifyResult, 'keyId' | 'tenant' | 'name' | 'roles' | 'expiresAt'>;

/**
 * What verify derives from a record, derived once per record object rather than once per verify:
 * a warm cache hands out the same object until the key changes, so a warm verify allocates none
 * of this. The answers that depend on the record alone are built here too, frozen: every caller
 * gets the same one (VerifyResult is read-only).
 */
interface PreparedRecord {
  readonly streamId: string;
  readonly hasQuota: boolean;
  /** Epoch ms; NaN when absent or unparsable, which no comparison passes (as Date.parse's NaN did). */
  readonly validUntilMs: number;
  readonly expiresAtMs: number;
  readonly about: About;
  readonly limits: LimitCheck | null;
  /**
   * The answers that depend on the record alone (VALID for a key without limits, EXPIRED,
   * REVOKED, DISABLED, INSUFFICIENT_ROLES), each built the first time it is given: a record read
   * for one verify only (a cold cache) builds just the one it needs.
   */
  readonly answers: Partial<Record<VerifyCode, VerifyResult>>;
}

function prepare(record: ValidationRecord): PreparedRecord {
  const streamId = keyStreamId(record.tenant, record.keyId);
  return {
    streamId,
    hasQuota: record.quota !== null,
    validUntilMs: record.validUntil === null ? NaN : Date.parse(record.validUntil),
    expiresAtMs: record.expiresAt === null ? NaN : Date.parse(record.expiresAt),
    about: { keyId: record.keyId, tenant: record.tenant, name: record.name, roles: record.roles, expiresAt: record.expiresAt },
    limits: record.rateLimit || record.quota ? { streamId, rateLimit: record.rateLimit, quota: record.quota, quotaSetAt: record.quotaSetAt ?? null } : null,
    answers: {},
  };
}

/** The record's answer for this code, frozen: every caller gets the same one (VerifyResult is read-only). */
function answerOf(prepared: PreparedRecord, valid: boolean, code: VerifyCode): VerifyResult {
  let answer = prepared.answers[code];
  if (!answer) {
    answer = Object.freeze({ valid, code, ...prepared.about });
    prepared.answers[code] = answer;
  }
  return answer;
}

/**
 * Decides whether a presented key is valid, in this order: shape and checksum (no lookup), the
 * record of its hash, grace period, status and expiry, the caller's address (FORBIDDEN), roles,
 * permissions, then rate limit and quota: Unkey's order, so a refused request never spends a
 * limit. The same class serves the key service's verify route and the guard other services mount.
 *
 * Verify is the hot path and its tail is its allocation (a young-generation collection every few
 * hundred calls shows at p99.9): a warm verify of a key without limits awaits nothing but its own
 * promise and allocates nothing beyond the hash (bench/decision.probe.ts measures it).
 */
export class KeyVerifier {
  private readonly now: () => number;
  private readonly prepared = new WeakMap<ValidationRecord, PreparedRecord>();

  constructor(private readonly deps: KeyVerifierDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Not an async function on purpose: an async function allocates its frame on every call, and a
   * warm verify of a key without limits needs nothing to wait for. It decides synchronously and
   * hands back a settled promise; only a read or a limit check goes through the async path.
   */
  verify(plaintext: string, requiredRoles: readonly string[] = NO_ROLES, access: VerifyAccess = NO_ACCESS_CONTEXT): Promise<VerifyResult> {
    try {
      const answer = this.verifyEagerly(plaintext, requiredRoles, access);
      return answer instanceof Promise ? answer : Promise.resolve(answer);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The same decision as verify, returned as it is when nothing had to be waited for (a warm
   * cache, a key without limits), a promise otherwise: for callers on the hot path (the verify
   * route, ApiKeyGuard) that can skip an await when there is nothing to wait for. May throw where
   * verify would reject.
   */
  verifyEagerly(plaintext: string, requiredRoles: readonly string[] = NO_ROLES, access: VerifyAccess = NO_ACCESS_CONTEXT): VerifyResult | Promise<VerifyResult> {
    let hash: string | null = null;
    if (hasValidChecksum(plaintext)) {
      hash = this.deps.hasher.hash(plaintext);
      // A warm cache answers without a promise; only a miss waits for the source.
      const cached = this.deps.lookup.peek?.(hash);
      if (cached) return this.decide(cached, this.preparedOf(cached), requiredRoles, access);
      if (cached === null) hash = null;
    }
    return this.readAndDecide(plaintext, hash, requiredRoles, access);
  }

  /** `hash`: the key's HMAC when it still has to be read (a cache miss); null when it is known not to be there. */
  private async readAndDecide(plaintext: string, hash: string | null, requiredRoles: readonly string[], access: VerifyAccess): Promise<VerifyResult> {
    let record = hash === null ? null : await this.deps.lookup.lookup(hash);
    if (!record) {
      const imported = this.importedRecordOf(plaintext);
      record = imported && (await imported);
    }
    if (!record) return NOT_FOUND;
    // A record read from the source is prepared for this verify only, not kept: with the cache off
    // every read is a new object, and keeping each in the WeakMap cost a cold verify more than
    // preparing it (and the collector its ephemerons). A cached one is kept on its first hit (peek).
    return this.decide(record, this.prepared.get(record) ?? prepare(record), requiredRoles, access);
  }

  /** Grace period, status and expiry, address, roles, permissions, then limits: synchronous unless the key has limits to check. */
  private decide(record: ValidationRecord, prepared: PreparedRecord, requiredRoles: readonly string[], access: VerifyAccess): VerifyResult | Promise<VerifyResult> {
    const now = this.now();
    if (prepared.validUntilMs <= now) return NOT_FOUND;
    const { streamId, hasQuota } = prepared;
    // effectiveStatus (libs/domain), on the expiry parsed once.
    const status = record.status === 'ACTIVE' && prepared.expiresAtMs <= now ? 'EXPIRED' : record.status;
    if (status !== 'ACTIVE') {
      this.deps.onOutcome?.(streamId, status, hasQuota);
      return answerOf(prepared, false, status);
    }
    if (ipForbidden(record, access.ip)) {
      this.deps.onOutcome?.(streamId, 'FORBIDDEN', hasQuota);
      return answerOf(prepared, false, 'FORBIDDEN');
    }
    if (!holdsEvery(record.roles, requiredRoles)) {
      this.deps.onOutcome?.(streamId, 'INSUFFICIENT_ROLES', hasQuota);
      return answerOf(prepared, false, 'INSUFFICIENT_ROLES');
    }
    if (permissionsUnmet(record, access.permissions)) {
      this.deps.onOutcome?.(streamId, 'INSUFFICIENT_PERMISSIONS', hasQuota);
      return answerOf(prepared, false, 'INSUFFICIENT_PERMISSIONS');
    }
    // Every limiter admits a check with neither limit, untouched (UsageLimiter): no call, no promise.
    if (prepared.limits === null) {
      this.deps.onOutcome?.(streamId, 'VALID', hasQuota);
      return answerOf(prepared, true, 'VALID');
    }
    return this.admit(prepared, prepared.limits, now);
  }

  private async admit({ streamId, hasQuota, about }: PreparedRecord, check: LimitCheck, now: number): Promise<VerifyResult> {
    const limits = await this.deps.limiter.admit(check, now);
    const usage = { ...(limits.ratelimit ? { ratelimit: limits.ratelimit } : {}), ...(limits.remaining !== undefined ? { remaining: limits.remaining } : {}) };
    if (!limits.admitted) {
      this.deps.onOutcome?.(streamId, limits.code, hasQuota);
      return { valid: false, code: limits.code, ...about, ...usage };
    }
    this.deps.onOutcome?.(streamId, 'VALID', hasQuota);
    return { valid: true, code: 'VALID', ...about, ...usage };
  }

  private preparedOf(record: ValidationRecord): PreparedRecord {
    let prepared = this.prepared.get(record);
    if (!prepared) {
      prepared = prepare(record);
      this.prepared.set(record, prepared);
    }
    return prepared;
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
    return this.importedRecordOf(plaintext);
  }

  /** The imported key's record read, when the text hashes to one; null, with no read, otherwise. */
  private importedRecordOf(plaintext: string): Promise<ValidationRecord | null> | null {
    const imported = this.deps.imported;
    if (!imported || imported.size === 0) return null;
    const hash = importedKeyHash(plaintext);
    return imported.has(hash) ? this.deps.lookup.lookup(hash) : null;
  }
}

function holdsEvery(roles: readonly string[], required: readonly string[]): boolean {
  for (let i = 0; i < required.length; i++) if (!roles.includes(required[i])) return false;
  return true;
}
