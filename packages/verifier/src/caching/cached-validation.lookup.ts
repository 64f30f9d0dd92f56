import { keyStreamId } from '@key-service/events';
import { ValidationRecord } from '../validation/validation-record';
import { ValidationLookup } from '../verifying/validation-lookup.port';

export interface CacheOptions {
  /** Longest a hit is trusted without a word from the invalidation bus: a backstop, not the mechanism. */
  readonly ttlMs?: number;
  /** Unknown hashes are cached briefly too, so a flood of guesses that pass the checksum spares Redis. */
  readonly negativeTtlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly record: ValidationRecord | null;
  readonly expiresAt: number;
}

/**
 * A small in-process cache in front of the validation model. Every command that changes a key
 * invalidates it here and, through the invalidation bus, on every other instance before the
 * command returns; the TTL only bounds what a lost message could leave behind.
 */
export class CachedValidationLookup implements ValidationLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly hashesByKey = new Map<string, Set<string>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly source: ValidationLookup,
    options: CacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 2_000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  private enabled = true;

  /**
   * Off while the invalidation bus is disconnected: without it an entry could outlive a revoke
   * elsewhere, so every lookup goes to the source until the bus is back.
   */
  setEnabled(enabled: boolean): void {
    if (!enabled) this.clear();
    this.enabled = enabled;
  }

  peek(hash: string): ValidationRecord | null | undefined {
    if (!this.enabled) return undefined;
    const cached = this.entries.get(hash);
    if (cached && cached.expiresAt > this.now()) {
      this.hits++;
      return cached.record;
    }
    return undefined;
  }

  async lookup(hash: string): Promise<ValidationRecord | null> {
    if (!this.enabled) return this.source.lookup(hash);
    const now = this.now();
    const cached = this.entries.get(hash);
    if (cached && cached.expiresAt > now) {
      this.hits++;
      return cached.record;
    }
    this.misses++;
    const generation = this.generation;
    const record = await this.source.lookup(hash);
    // An invalidation that arrived while we were reading may concern this very record: don't cache it.
    // A TTL of 0 keeps no record at all (VERIFY_CACHE_TTL_MS=0): storing one only to expire it
    // cost every cold verify a map entry and its bookkeeping.
    if (generation === this.generation && (record === null || this.ttlMs > 0)) this.store(hash, record, now);
    return record;
  }

  private generation = 0;

  /**
   * Drops every cached hash of a key (its current and grace secrets). Given the key's records as
   * of the change (`records`, authoritative for their version), a hash this instance had cached is
   * refreshed in place instead, so the next verify of a hot key is still a hit; a hash the change
   * retired is dropped, and a record older than the cached one never replaces it.
   */
  invalidateKey(streamId: string, records?: ReadonlyArray<readonly [hash: string, record: ValidationRecord]>): void {
    this.generation++;
    const fresh = new Map(records ?? []);
    const kept = new Set<string>();
    const now = this.now();
    for (const hash of this.hashesByKey.get(streamId) ?? []) {
      const cached = this.entries.get(hash)?.record;
      const next = fresh.get(hash);
      if (!cached || !next || keyStreamId(next.tenant, next.keyId) !== streamId) {
        this.entries.delete(hash);
        continue;
      }
      if (next.version >= cached.version) this.entries.set(hash, { record: next, expiresAt: now + this.ttlMs });
      kept.add(hash);
    }
    if (kept.size) this.hashesByKey.set(streamId, kept);
    else this.hashesByKey.delete(streamId);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.hashesByKey.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private store(hash: string, record: ValidationRecord | null, now: number): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: dropping the first entries evicts the oldest.
      const drop = Math.ceil(this.maxEntries / 10);
      for (const key of [...this.entries.keys()].slice(0, drop)) this.entries.delete(key);
    }
    this.entries.set(hash, { record, expiresAt: now + (record ? this.ttlMs : this.negativeTtlMs) });
    if (record) {
      const streamId = keyStreamId(record.tenant, record.keyId);
      const set = this.hashesByKey.get(streamId) ?? new Set<string>();
      set.add(hash);
      this.hashesByKey.set(streamId, set);
    }
  }
}
