import { countUsage, LimitSettings, resetUsage } from './limit-usage';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10, 12);
const iso = (ms: number) => new Date(ms).toISOString();

describe('Usage folded against a key\'s limits', () => {
  const daily: LimitSettings = { quota: { remaining: 100, refill: 'daily', refillAmount: 50 }, quotaSetAt: iso(T0 - DAY), rateLimit: { limit: 10, durationMs: 60_000 } };

  it('adds usage of the same period and window, and starts again in a later one', () => {
    let usage = countUsage(undefined, daily, 3, iso(T0));
    usage = countUsage(usage, daily, 4, iso(T0 + 1000));
    expect(usage.quota?.used).toBe(7);
    expect(usage.rate).toEqual({ window: Math.floor((T0 + 1000) / 60_000), used: 7 });
    const tomorrow = countUsage(usage, daily, 2, iso(T0 + DAY));
    expect(tomorrow.quota).toMatchObject({ used: 2 });
    expect(tomorrow.quota?.counter).not.toBe(usage.quota?.counter);
  });

  it('never moves back to an earlier period for a late flush, nor counts usage from before the quota was set', () => {
    const today = countUsage(undefined, daily, 5, iso(T0 + DAY));
    expect(countUsage(today, daily, 9, iso(T0))).toEqual(today);
    expect(countUsage(undefined, daily, 9, iso(T0 - 2 * DAY)).quota).toBeNull();
  });

  it('starts the quota afresh when it is set again, the rate when its window length changes', () => {
    const usage = countUsage(undefined, daily, 5, iso(T0));
    expect(resetUsage(usage, true, false)).toEqual({ quota: null, rate: usage.rate });
    expect(resetUsage(usage, false, true)).toEqual({ quota: usage.quota, rate: null });
  });
});
