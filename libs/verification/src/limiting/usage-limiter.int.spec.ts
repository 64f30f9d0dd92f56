import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { InMemoryUsageLimiter } from './in-memory-usage.limiter';
import { RedisUsageLimiter } from './redis-usage.limiter';
import { LimitCheck, UsageLimiter } from './usage-limiter.port';

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
