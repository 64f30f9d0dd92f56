import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { KeyValidationView } from '@keys/projections';
import {
  FallbackUsageLimiter,
  InMemoryUsageLimiter,
  LimitCheck,
  LimitStateNotRestoredError,
  RedisUsageLimiter,
  UsageLimiter,
  VerificationUnavailableError,
} from '@key-service/verifier';
import { RedisLimitStateRestorer } from './redis-limit-state.restorer';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

function limiterContract(name: string, setup: () => Promise<{ limiters: UsageLimiter[]; teardown: () => Promise<void> }>) {
  describe(`${name} usage limiter`, () => {
    let limiters: UsageLimiter[];
    let teardown: () => Promise<void>;
    beforeAll(async () => ({ limiters, teardown } = await setup()));
    afterAll(async () => teardown());

    const check = (over: Partial<LimitCheck> = {}): LimitCheck => ({ streamId: `t/${randomUUID()}`, rateLimit: null, quota: null, quotaSetAt: null, ...over });

    it('admits exactly the rate limit among many concurrent verifies, then answers RATE_LIMITED', async () => {
      const c = check({ rateLimit: { limit: 10, durationMs: 60_000 } });
      const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => limiters[i % limiters.length].admit(c, NOW)));
      expect(outcomes.filter((o) => o.admitted)).toHaveLength(10);
      expect(outcomes.filter((o) => !o.admitted && o.code === 'RATE_LIMITED')).toHaveLength(50);
      const next = await limiters[0].admit(c, NOW + 60_000);
      expect(next).toMatchObject({ admitted: true, ratelimit: { limit: 10, remaining: 9 } });
    });

    it('admits exactly the quota among many concurrent verifies, then answers USAGE_EXCEEDED', async () => {
      const c = check({ quota: { remaining: 7, refill: null, refillAmount: null }, quotaSetAt: new Date(NOW - 1000).toISOString() });
      const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => limiters[i % limiters.length].admit(c, NOW)));
      expect(outcomes.filter((o) => o.admitted)).toHaveLength(7);
      expect(outcomes.filter((o) => !o.admitted && o.code === 'USAGE_EXCEEDED')).toHaveLength(33);
      const left = outcomes.filter((o) => o.admitted).map((o) => o.remaining).sort((a, b) => (a ?? 0) - (b ?? 0));
      expect(left).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });

    it('refills a daily quota at the next UTC day, to the refill amount', async () => {
      const c = check({ quota: { remaining: 2, refill: 'daily', refillAmount: 3 }, quotaSetAt: new Date(NOW - 1000).toISOString() });
      const today = await Promise.all([1, 2, 3].map(() => limiters[0].admit(c, NOW)));
      expect(today.map((o) => o.admitted)).toEqual([true, true, false]);
      const tomorrow = NOW + 86_400_000;
      const next = [];
      for (let i = 0; i < 4; i++) next.push(await limiters[0].admit(c, tomorrow));
      expect(next.map((o) => o.admitted)).toEqual([true, true, true, false]);
    });

    it('starts the quota afresh when it is set again', async () => {
      const streamId = `t/${randomUUID()}`;
      const first = check({ streamId, quota: { remaining: 1, refill: null, refillAmount: null }, quotaSetAt: new Date(NOW - 5000).toISOString() });
      expect((await limiters[0].admit(first, NOW)).admitted).toBe(true);
      expect((await limiters[0].admit(first, NOW)).admitted).toBe(false);
      const reset = { ...first, quotaSetAt: new Date(NOW - 10).toISOString() };
      expect((await limiters[0].admit(reset, NOW)).admitted).toBe(true);
    });

    it('consumes no quota for a rate-limited verify', async () => {
      const c = check({ rateLimit: { limit: 1, durationMs: 60_000 }, quota: { remaining: 5, refill: null, refillAmount: null }, quotaSetAt: new Date(NOW).toISOString() });
      expect(await limiters[0].admit(c, NOW)).toMatchObject({ admitted: true, remaining: 4 });
      expect(await limiters[0].admit(c, NOW)).toMatchObject({ admitted: false, code: 'RATE_LIMITED' });
      expect(await limiters[0].admit(c, NOW + 60_000)).toMatchObject({ admitted: true, remaining: 3 });
    });
  });
}

limiterContract('In-process', async () => {
  const limiter = new InMemoryUsageLimiter();
  return { limiters: [limiter], teardown: async () => undefined };
});

limiterContract('Redis (two instances sharing one Redis)', async () => {
  const a = new Redis('redis://127.0.0.1:6379');
  const b = new Redis('redis://127.0.0.1:6379');
  const prefix = `test:limits:${randomUUID()}:`;
  const restorer = new RedisLimitStateRestorer(a, prefix);
  await restorer.begin('t');
  await restorer.finish('t');
  return {
    limiters: [new RedisUsageLimiter(a, prefix), new RedisUsageLimiter(b, prefix)],
    teardown: async () => {
      const keys = await a.keys(`${prefix}*`);
      if (keys.length) await a.del(...keys);
      a.disconnect();
      b.disconnect();
    },
  };
});

describe('Redis limit state lost with its data', () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  const prefix = `test:limits:${randomUUID()}:`;
  const limiter = new RedisUsageLimiter(redis, prefix);
  const restorer = new RedisLimitStateRestorer(redis, prefix);
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  const quota = { remaining: 10, refill: null, refillAmount: null };
  const rateLimit = { limit: 10, durationMs: 3_600_000 };
  const setAt = new Date(NOW - 60_000).toISOString();
  const view = (keyId: string, used: number): KeyValidationView => ({
    keyId, tenant: 't', name: 'n', status: 'ACTIVE', roles: [], expiresAt: null, hash: 'h', graceSecrets: [], version: 3,
    rateLimit, quota, quotaSetAt: setAt,
    limitUsage: { quota: { counter: `${Date.parse(setAt)}`, used, lastAt: NOW - 1000 }, rate: { window: Math.floor(NOW / rateLimit.durationMs), used } },
  });

  it('creates no counter until the state is restored: a quota is unavailable (503), a rate limit falls back to local counters', async () => {
    const keyId = randomUUID();
    await expect(limiter.admit({ streamId: `t/${keyId}`, rateLimit: null, quota, quotaSetAt: setAt }, NOW)).rejects.toBeInstanceOf(LimitStateNotRestoredError);
    await expect(limiter.admit({ streamId: `t/${keyId}`, rateLimit, quota: null, quotaSetAt: null }, NOW)).rejects.toBeInstanceOf(LimitStateNotRestoredError);
    const fallback = new FallbackUsageLimiter(limiter);
    await expect(fallback.admit({ streamId: `t/${keyId}`, rateLimit: null, quota, quotaSetAt: setAt }, NOW)).rejects.toBeInstanceOf(VerificationUnavailableError);
    expect(await fallback.admit({ streamId: `t/${keyId}`, rateLimit, quota: null, quotaSetAt: null }, NOW)).toMatchObject({ admitted: true });
    expect(await redis.keys(`${prefix}*{t/${keyId}}*`)).toEqual([]);
  });

  it('seeds counters from the usage in the log, never raising a live one, then creates counters again', async () => {
    const spent = randomUUID();
    const live = randomUUID();
    await restorer.begin('r1');
    const report = await restorer.seed([[view(spent, 7)], [view(live, 2)]], NOW);
    expect(report).toEqual({ quotas: 2, rates: 2 });
    expect(await restorer.finish('r1')).toBe(true);
    expect(await restorer.isRestored()).toBe(true);
    const both = (keyId: string) => ({ streamId: `t/${keyId}`, rateLimit, quota, quotaSetAt: setAt });
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await limiter.admit(both(spent), NOW));
    expect(outcomes.map((o) => o.admitted)).toEqual([true, true, true, false, false]);
    expect(outcomes[3]).toMatchObject({ code: 'RATE_LIMITED' });
    // A seed again (a second restore) leaves the live counters as they are.
    await restorer.begin('r2');
    await restorer.seed([[view(spent, 0)]], NOW);
    expect(await restorer.finish('r2')).toBe(true);
    expect((await limiter.admit(both(spent), NOW)).admitted).toBe(false);
    // A key the log shows no usage for starts in full once restored.
    expect(await limiter.admit(both(randomUUID()), NOW)).toMatchObject({ admitted: true, remaining: 9 });
  });

  it('does not mark the state restored when Redis lost it again during the restore', async () => {
    const other = new RedisLimitStateRestorer(redis, `${prefix}again:`);
    await other.begin('x');
    await redis.del(`${prefix}again:restoring`);
    expect(await other.finish('x')).toBe(false);
    expect(await other.isRestored()).toBe(false);
  });
});
