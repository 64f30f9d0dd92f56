import { ValidationRecord } from '../validation/validation-record';
import { KeyHasher } from '../secrets/key-hasher';
import { issueSecret, iso, T0 } from '../../../../test/support/recorded-key-event.fixtures';
import { InMemoryUsageLimiter } from '../limiting/in-memory-usage.limiter';
import { FallbackValidationLookup } from './fallback-validation.lookup';
import { KeyVerifier } from './key-verifier';
import { ValidationLookup, VerificationUnavailableError } from './validation-lookup.port';

const HOUR = 3_600_000;
const hasher = new KeyHasher('verifier-pepper-0123456789');

/** The validation model as a map; counts lookups so a test can tell a checksum reject made none. */
class InMemoryValidationLookup implements ValidationLookup {
  readonly records = new Map<string, ValidationRecord>();
  lookups = 0;
  failure: Error | null = null;

  async lookup(hash: string): Promise<ValidationRecord | null> {
    this.lookups++;
    if (this.failure) throw this.failure;
    return this.records.get(hash) ?? null;
  }
}

const record = (overrides: Partial<ValidationRecord> = {}): ValidationRecord => ({
  keyId: 'key-1',
  tenant: 'acme',
  name: 'ci deploys',
  status: 'ACTIVE',
  roles: ['deploy', 'read'],
  expiresAt: null,
  validUntil: null,
  rateLimit: null,
  quota: null,
  quotaSetAt: null,
  version: 1,
  ...overrides,
});

describe('KeyVerifier', () => {
  let lookup: InMemoryValidationLookup;
  let now: number;
  let valid: Array<[keyId: string, hasQuota: boolean]>;
  let outcomes: Array<[keyId: string, code: string]>;
  let verifier: KeyVerifier;
  let secret: { plaintext: string };

  /** A key with this record under the hash of `secret`. */
  const givenKey = (overrides: Partial<ValidationRecord> = {}, plaintext = secret.plaintext) => {
    lookup.records.set(hasher.hash(plaintext), record(overrides));
  };

  beforeEach(() => {
    lookup = new InMemoryValidationLookup();
    now = T0;
    valid = [];
    outcomes = [];
    verifier = new KeyVerifier({
      hasher,
      lookup,
      limiter: new InMemoryUsageLimiter(),
      onOutcome: (keyId, code, hasQuota) => {
        outcomes.push([keyId, code]);
        if (code === 'VALID') valid.push([keyId, hasQuota]);
      },
      now: () => now,
    });
    secret = issueSecret();
  });

  it('answers VALID for an active key, with what the caller may show of it', async () => {
    givenKey({ expiresAt: iso(T0 + HOUR) });
    await expect(verifier.verify(secret.plaintext)).resolves.toEqual({
      valid: true,
      code: 'VALID',
      keyId: 'key-1',
      tenant: 'acme',
      name: 'ci deploys',
      roles: ['deploy', 'read'],
      expiresAt: iso(T0 + HOUR),
    });
    expect(valid).toEqual([['acme/key-1', false]]);
  });

  describe('NOT_FOUND', () => {
    it('rejects text of the wrong shape or with a bad checksum without a lookup', async () => {
      givenKey();
      const last = secret.plaintext.at(-1) === 'A' ? 'B' : 'A';
      const badChecksum = secret.plaintext.slice(0, -1) + last;
      givenKey({}, badChecksum);
      for (const text of [badChecksum, '', 'sk_short', secret.plaintext.toUpperCase(), `${secret.plaintext}x`]) {
        await expect(verifier.verify(text)).resolves.toEqual({ valid: false, code: 'NOT_FOUND' });
      }
      expect(lookup.lookups).toBe(0);
    });

    it('answers NOT_FOUND for a well-formed key the model does not know, after one lookup', async () => {
      await expect(verifier.verify(secret.plaintext)).resolves.toEqual({ valid: false, code: 'NOT_FOUND' });
      expect(lookup.lookups).toBe(1);
    });
  });

  describe('lifecycle', () => {
    it('answers EXPIRED from the moment the expiry is reached', async () => {
      givenKey({ expiresAt: iso(T0 + HOUR) });
      now = T0 + HOUR - 1;
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ valid: true, code: 'VALID' });
      now = T0 + HOUR;
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ valid: false, code: 'EXPIRED', keyId: 'key-1' });
    });

    it('answers REVOKED for a revoked key and DISABLED for a disabled one, even past their expiry', async () => {
      const other = issueSecret();
      givenKey({ status: 'REVOKED', expiresAt: iso(T0 - HOUR) });
      givenKey({ keyId: 'key-2', status: 'DISABLED' }, other.plaintext);
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ valid: false, code: 'REVOKED', keyId: 'key-1' });
      await expect(verifier.verify(other.plaintext)).resolves.toMatchObject({ valid: false, code: 'DISABLED', keyId: 'key-2' });
    });

    it('lets a rotated-out secret verify until its grace ends, then not at all', async () => {
      givenKey({ validUntil: iso(T0 + HOUR) });
      now = T0 + HOUR - 1;
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ valid: true, code: 'VALID' });
      now = T0 + HOUR;
      await expect(verifier.verify(secret.plaintext)).resolves.toEqual({ valid: false, code: 'NOT_FOUND' });
    });

    it('answers REVOKED, not VALID, for a grace secret of a key revoked since', async () => {
      givenKey({ status: 'REVOKED', validUntil: iso(T0 + HOUR) });
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ valid: false, code: 'REVOKED' });
    });
  });

  describe('roles', () => {
    it('answers VALID when the key holds every required role', async () => {
      givenKey();
      await expect(verifier.verify(secret.plaintext, ['read', 'deploy'])).resolves.toMatchObject({ code: 'VALID' });
    });

    it('answers INSUFFICIENT_ROLES when one required role is missing', async () => {
      givenKey();
      await expect(verifier.verify(secret.plaintext, ['read', 'admin'])).resolves.toMatchObject({
        valid: false,
        code: 'INSUFFICIENT_ROLES',
        roles: ['deploy', 'read'],
      });
    });
  });

  describe('limits', () => {
    it('answers RATE_LIMITED once the window is used up, and VALID again in the next window', async () => {
      givenKey({ rateLimit: { limit: 2, durationMs: 60_000 } });
      const windowEnd = (Math.floor(T0 / 60_000) + 1) * 60_000;
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID', ratelimit: { limit: 2, remaining: 1, reset: windowEnd } });
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID', ratelimit: { remaining: 0 } });
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({
        valid: false,
        code: 'RATE_LIMITED',
        ratelimit: { limit: 2, remaining: 0, reset: windowEnd },
      });
      now = windowEnd;
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID' });
    });

    it('answers USAGE_EXCEEDED once the quota is spent, counting down what is left', async () => {
      givenKey({ quota: { remaining: 2, refill: null, refillAmount: null }, quotaSetAt: iso(T0 - HOUR) });
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID', remaining: 1 });
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID', remaining: 0 });
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ valid: false, code: 'USAGE_EXCEEDED', remaining: 0 });
      expect(valid).toEqual([
        ['acme/key-1', true],
        ['acme/key-1', true],
      ]);
    });

    it('spends no limit on a key that is refused before the limits are checked', async () => {
      givenKey({ status: 'DISABLED', quota: { remaining: 1, refill: null, refillAmount: null } });
      await verifier.verify(secret.plaintext);
      givenKey({ quota: { remaining: 1, refill: null, refillAmount: null } });
      await expect(verifier.verify(secret.plaintext, ['admin'])).resolves.toMatchObject({ code: 'INSUFFICIENT_ROLES' });
      await expect(verifier.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID', remaining: 0 });
    });
  });

  it('reports usage once per VALID answer, every answer about a known key once, and nothing for an unknown one', async () => {
    const other = issueSecret();
    givenKey({ rateLimit: { limit: 1, durationMs: 60_000 } });
    givenKey({ keyId: 'key-2', status: 'REVOKED' }, other.plaintext);
    const codes = [];
    for (const [text, roles] of [
      [secret.plaintext, []],
      [secret.plaintext, []],
      [secret.plaintext, ['admin']],
      [other.plaintext, []],
      [issueSecret().plaintext, []],
      ['sk_nope', []],
    ] as const) {
      codes.push((await verifier.verify(text, roles)).code);
    }
    expect(codes).toEqual(['VALID', 'RATE_LIMITED', 'INSUFFICIENT_ROLES', 'REVOKED', 'NOT_FOUND', 'NOT_FOUND']);
    expect(valid).toEqual([['acme/key-1', false]]);
    expect(outcomes).toEqual([
      ['acme/key-1', 'VALID'],
      ['acme/key-1', 'RATE_LIMITED'],
      ['acme/key-1', 'INSUFFICIENT_ROLES'],
      ['acme/key-2', 'REVOKED'],
    ]);
  });

  describe('over a lookup that can answer without waiting (a warm cache)', () => {
    /** The in-memory model, also answering peeks: a hash in `warm` is "cached". */
    class PeekableLookup extends InMemoryValidationLookup {
      readonly warm = new Map<string, ValidationRecord | null>();
      peeks = 0;
      failPeek: Error | null = null;
      peek(hash: string): ValidationRecord | null | undefined {
        this.peeks++;
        if (this.failPeek) throw this.failPeek;
        return this.warm.get(hash);
      }
    }
    let peekable: PeekableLookup;
    let admits: number;
    let fast: KeyVerifier;

    beforeEach(() => {
      peekable = new PeekableLookup();
      admits = 0;
      const limiter = new InMemoryUsageLimiter();
      fast = new KeyVerifier({
        hasher,
        lookup: peekable,
        limiter: { admit: (check, at) => (admits++, limiter.admit(check, at)) },
        onOutcome: (keyId, code) => outcomes.push([keyId, code]),
        now: () => now,
      });
    });

    it('decides a warm key without reading the model, and reads it on a miss', async () => {
      const hash = hasher.hash(secret.plaintext);
      peekable.records.set(hash, record());
      await expect(fast.verify(secret.plaintext)).resolves.toMatchObject({ valid: true, code: 'VALID', keyId: 'key-1' });
      expect(peekable.lookups).toBe(1);
      peekable.warm.set(hash, record());
      await expect(fast.verify(secret.plaintext, ['deploy'])).resolves.toMatchObject({ valid: true, code: 'VALID' });
      await expect(fast.verify(secret.plaintext, ['admin'])).resolves.toMatchObject({ valid: false, code: 'INSUFFICIENT_ROLES' });
      expect(peekable.lookups).toBe(1);
      expect(outcomes).toEqual([
        ['acme/key-1', 'VALID'],
        ['acme/key-1', 'VALID'],
        ['acme/key-1', 'INSUFFICIENT_ROLES'],
      ]);
    });

    it('decides eagerly: a plain answer over a warm cache for a key without limits, a promise when it must read or count', async () => {
      const hash = hasher.hash(secret.plaintext);
      peekable.records.set(hash, record());
      const read = fast.verifyEagerly(secret.plaintext);
      expect(read).toBeInstanceOf(Promise);
      await expect(read).resolves.toMatchObject({ code: 'VALID' });
      peekable.warm.set(hash, record());
      expect(fast.verifyEagerly(secret.plaintext, ['deploy'])).toMatchObject({ valid: true, code: 'VALID' });
      expect(fast.verifyEagerly('sk_not_a_key')).toBeInstanceOf(Promise);
      peekable.warm.set(hash, record({ rateLimit: { limit: 5, durationMs: 60_000 }, version: 2 }));
      const limited = fast.verifyEagerly(secret.plaintext);
      expect(limited).toBeInstanceOf(Promise);
      await expect(limited).resolves.toMatchObject({ code: 'VALID', ratelimit: { remaining: 4 } });
    });

    it('answers NOT_FOUND for a hash the cache knows to be unknown, without a read', async () => {
      peekable.warm.set(hasher.hash(secret.plaintext), null);
      await expect(fast.verify(secret.plaintext)).resolves.toEqual({ valid: false, code: 'NOT_FOUND' });
      expect(peekable.lookups).toBe(0);
    });

    it('follows the record the cache hands out: a new record after a change is decided afresh', async () => {
      const hash = hasher.hash(secret.plaintext);
      peekable.warm.set(hash, record({ expiresAt: iso(T0 + HOUR) }));
      await expect(fast.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID' });
      now = T0 + HOUR;
      await expect(fast.verify(secret.plaintext)).resolves.toMatchObject({ code: 'EXPIRED' });
      peekable.warm.set(hash, record({ status: 'REVOKED', version: 2 }));
      await expect(fast.verify(secret.plaintext)).resolves.toMatchObject({ valid: false, code: 'REVOKED' });
      peekable.warm.set(hash, record({ version: 3, validUntil: iso(T0 + HOUR) }));
      await expect(fast.verify(secret.plaintext)).resolves.toEqual({ valid: false, code: 'NOT_FOUND' });
    });

    it('checks limits only for a key that has one', async () => {
      const hash = hasher.hash(secret.plaintext);
      peekable.warm.set(hash, record());
      await fast.verify(secret.plaintext);
      expect(admits).toBe(0);
      peekable.warm.set(hash, record({ rateLimit: { limit: 1, durationMs: 60_000 }, version: 2 }));
      await expect(fast.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID', ratelimit: { remaining: 0 } });
      await expect(fast.verify(secret.plaintext)).resolves.toMatchObject({ valid: false, code: 'RATE_LIMITED' });
      expect(admits).toBe(2);
    });

    it('hands out answers no caller can change for the next one', async () => {
      peekable.warm.set(hasher.hash(secret.plaintext), record());
      const first = await fast.verify(secret.plaintext);
      expect(() => Object.assign(first, { valid: false })).toThrow(TypeError);
      await expect(fast.verify(secret.plaintext)).resolves.toMatchObject({ valid: true, code: 'VALID' });
    });

    it('rejects, never throws, when the cache fails', async () => {
      peekable.failPeek = new Error('cache broken');
      const outcome = fast.verify(secret.plaintext);
      expect(outcome).toBeInstanceOf(Promise);
      await expect(outcome).rejects.toThrow('cache broken');
    });
  });

  describe('when the model cannot be read', () => {
    it('fails with VerificationUnavailableError, never VALID, when neither the model nor its fallback answers', async () => {
      givenKey();
      const fallback = new InMemoryValidationLookup();
      lookup.failure = new Error('redis down');
      fallback.failure = new Error('postgres down');
      const unavailable = new KeyVerifier({
        hasher,
        lookup: new FallbackValidationLookup(lookup, fallback),
        limiter: new InMemoryUsageLimiter(),
        onOutcome: (keyId, code, hasQuota) => {
        outcomes.push([keyId, code]);
        if (code === 'VALID') valid.push([keyId, hasQuota]);
      },
        now: () => now,
      });
      const outcome = unavailable.verify(secret.plaintext);
      await expect(outcome).rejects.toBeInstanceOf(VerificationUnavailableError);
      await expect(outcome).rejects.toThrow('redis down');
      await expect(outcome).rejects.not.toThrow(secret.plaintext);
      expect(valid).toEqual([]);
    });

    it('answers from the fallback when only the primary model is down', async () => {
      const fallback = new InMemoryValidationLookup();
      fallback.records.set(hasher.hash(secret.plaintext), record());
      lookup.failure = new Error('redis down');
      const chain = new FallbackValidationLookup(lookup, fallback);
      const verifying = new KeyVerifier({ hasher, lookup: chain, limiter: new InMemoryUsageLimiter(), now: () => now });
      await expect(verifying.verify(secret.plaintext)).resolves.toMatchObject({ code: 'VALID' });
      expect(chain.fallbacks).toBe(1);
    });

    it('passes a failing lookup on as a rejection rather than an answer', async () => {
      givenKey();
      lookup.failure = new Error('socket closed');
      await expect(verifier.verify(secret.plaintext)).rejects.toThrow('socket closed');
      expect(valid).toEqual([]);
    });
  });
});
