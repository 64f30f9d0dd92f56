import { ValidationRecord } from '../validation/validation-record';
import { T0 } from '../../../../test/support/recorded-key-event.fixtures';
import { ValidationLookup } from '../verifying/validation-lookup.port';
import { CachedValidationLookup } from './cached-validation.lookup';

const TTL = 30_000;
const NEGATIVE_TTL = 2_000;

/** The model behind the cache: answers from a map, counts reads, can fail, can hold a read open. */
class InMemoryValidationLookup implements ValidationLookup {
  readonly records = new Map<string, ValidationRecord>();
  lookups = 0;
  failure: Error | null = null;
  private held: Array<() => void> = [];
  holding = false;

  async lookup(hash: string): Promise<ValidationRecord | null> {
    this.lookups++;
    if (this.holding) await new Promise<void>((release) => this.held.push(release));
    if (this.failure) throw this.failure;
    return this.records.get(hash) ?? null;
  }

  release(): void {
    this.holding = false;
    for (const release of this.held.splice(0)) release();
  }
}

const record = (overrides: Partial<ValidationRecord> = {}): ValidationRecord => ({
  keyId: 'key-1',
  tenant: 'acme',
  name: 'ci deploys',
  status: 'ACTIVE',
  roles: ['deploy'],
  expiresAt: null,
  validUntil: null,
  rateLimit: null,
  quota: null,
  quotaSetAt: null,
  version: 1,
  ...overrides,
});

describe('CachedValidationLookup', () => {
  let source: InMemoryValidationLookup;
  let now: number;
  let cache: CachedValidationLookup;

  beforeEach(() => {
    source = new InMemoryValidationLookup();
    now = T0;
    cache = new CachedValidationLookup(source, { ttlMs: TTL, negativeTtlMs: NEGATIVE_TTL, now: () => now });
    source.records.set('h-1', record());
  });

  it('reads a hash from the model once, then answers from memory', async () => {
    await expect(cache.lookup('h-1')).resolves.toEqual(record());
    source.records.set('h-1', record({ name: 'changed behind the cache' }));
    await expect(cache.lookup('h-1')).resolves.toEqual(record());
    expect(source.lookups).toBe(1);
    expect({ hits: cache.hits, misses: cache.misses, size: cache.size }).toEqual({ hits: 1, misses: 1, size: 1 });
  });

  it('reads the model again once the TTL has run out', async () => {
    await cache.lookup('h-1');
    source.records.set('h-1', record({ status: 'REVOKED', version: 2 }));
    now = T0 + TTL - 1;
    await expect(cache.lookup('h-1')).resolves.toMatchObject({ status: 'ACTIVE' });
    now = T0 + TTL;
    await expect(cache.lookup('h-1')).resolves.toMatchObject({ status: 'REVOKED' });
    expect(source.lookups).toBe(2);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 2 });
  });

  it('remembers an unknown hash only for the short negative TTL', async () => {
    await expect(cache.lookup('h-new')).resolves.toBeNull();
    source.records.set('h-new', record({ keyId: 'key-2' }));
    now = T0 + NEGATIVE_TTL - 1;
    await expect(cache.lookup('h-new')).resolves.toBeNull();
    now = T0 + NEGATIVE_TTL;
    await expect(cache.lookup('h-new')).resolves.toMatchObject({ keyId: 'key-2' });
    expect(source.lookups).toBe(2);
  });

  it('answers a peek from memory only: undefined until read, then the record, and undefined again once stale or off', async () => {
    expect(cache.peek('h-1')).toBeUndefined();
    expect(source.lookups).toBe(0);
    await cache.lookup('h-1');
    await cache.lookup('h-unknown');
    expect(cache.peek('h-1')).toEqual(record());
    expect(cache.peek('h-unknown')).toBeNull();
    cache.invalidateKey('acme/key-1');
    expect(cache.peek('h-1')).toBeUndefined();
    await cache.lookup('h-1');
    now = T0 + TTL;
    expect(cache.peek('h-1')).toBeUndefined();
    await cache.lookup('h-1');
    cache.setEnabled(false);
    expect(cache.peek('h-1')).toBeUndefined();
    expect(source.lookups).toBe(4);
  });

  it('keeps no record with a TTL of 0, but still remembers an unknown hash briefly', async () => {
    const uncached = new CachedValidationLookup(source, { ttlMs: 0, negativeTtlMs: NEGATIVE_TTL, now: () => now });
    await uncached.lookup('h-1');
    await uncached.lookup('h-1');
    await uncached.lookup('h-unknown');
    await uncached.lookup('h-unknown');
    expect({ lookups: source.lookups, size: uncached.size }).toEqual({ lookups: 3, size: 1 });
  });

  it('does not cache a failed read: the next lookup asks the model again', async () => {
    source.failure = new Error('redis down');
    await expect(cache.lookup('h-1')).rejects.toThrow('redis down');
    source.failure = null;
    await expect(cache.lookup('h-1')).resolves.toEqual(record());
    await expect(cache.lookup('h-1')).resolves.toEqual(record());
    expect(source.lookups).toBe(2);
  });

  describe('invalidation', () => {
    it('drops every cached hash of the key, its grace secrets too, and no other key\'s', async () => {
      source.records.set('h-grace', record({ validUntil: new Date(T0 + TTL).toISOString() }));
      source.records.set('h-other', record({ keyId: 'key-2' }));
      for (const hash of ['h-1', 'h-grace', 'h-other']) await cache.lookup(hash);
      source.records.set('h-1', record({ status: 'REVOKED', version: 2 }));
      source.records.delete('h-grace');

      cache.invalidateKey('acme/key-1');

      expect(cache.size).toBe(1);
      await expect(cache.lookup('h-1')).resolves.toMatchObject({ status: 'REVOKED' });
      await expect(cache.lookup('h-grace')).resolves.toBeNull();
      await expect(cache.lookup('h-other')).resolves.toMatchObject({ keyId: 'key-2' });
      expect(source.lookups).toBe(5);
    });

    it('refreshes a cached hash in place from the records the change carries, and drops the ones it retired', async () => {
      source.records.set('h-old', record());
      await cache.lookup('h-1');
      await cache.lookup('h-old');
      const revoked = record({ status: 'REVOKED', version: 3 });

      cache.invalidateKey('acme/key-1', [['h-1', revoked]]);

      await expect(cache.lookup('h-1')).resolves.toEqual(revoked);
      expect(source.lookups).toBe(2);
      await cache.lookup('h-old');
      expect(source.lookups).toBe(3);
    });

    it('never lets an older record replace a newer cached one', async () => {
      source.records.set('h-1', record({ name: 'newer', version: 5 }));
      await cache.lookup('h-1');
      cache.invalidateKey('acme/key-1', [['h-1', record({ name: 'older', version: 4 })]]);
      await expect(cache.lookup('h-1')).resolves.toMatchObject({ name: 'newer', version: 5 });
      expect(source.lookups).toBe(1);
    });

    it('does not keep a read that an invalidation overtook while it was in flight', async () => {
      source.holding = true;
      const inFlight = cache.lookup('h-1');
      cache.invalidateKey('acme/key-1');
      source.release();
      await expect(inFlight).resolves.toMatchObject({ status: 'ACTIVE' });
      source.records.set('h-1', record({ status: 'REVOKED', version: 2 }));
      await expect(cache.lookup('h-1')).resolves.toMatchObject({ status: 'REVOKED' });
      expect(source.lookups).toBe(2);
    });
  });

  describe('while the invalidation bus is disconnected', () => {
    it('forgets what it held and sends every lookup to the model until the bus is back', async () => {
      await cache.lookup('h-1');
      cache.setEnabled(false);
      expect(cache.size).toBe(0);
      await cache.lookup('h-1');
      await cache.lookup('h-1');
      expect(source.lookups).toBe(3);
      expect(cache.size).toBe(0);

      cache.setEnabled(true);
      await cache.lookup('h-1');
      await cache.lookup('h-1');
      expect(source.lookups).toBe(4);
    });
  });

  it('evicts the oldest entries when full', async () => {
    const small = new CachedValidationLookup(source, { ttlMs: TTL, maxEntries: 10, now: () => now });
    for (let i = 0; i < 10; i++) source.records.set(`h-${i}`, record({ keyId: `key-${i}` }));
    for (let i = 0; i < 10; i++) await small.lookup(`h-${i}`);
    source.records.set('h-10', record({ keyId: 'key-10' }));
    await small.lookup('h-10');
    expect(small.size).toBe(10);
    const before = source.lookups;
    await small.lookup('h-9');
    expect(source.lookups).toBe(before);
    await small.lookup('h-0');
    expect(source.lookups).toBe(before + 1);
  });
});
