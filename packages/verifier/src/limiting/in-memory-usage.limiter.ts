import { quotaCounter, rateWindow } from '@key-service/events';
import { LimitCheck, LimitOutcome, UsageLimiter } from './usage-limiter.port';

/**
 * Limits for a single process (the embedded mode): JavaScript runs one verify at a time, so a
 * map is atomic here. Counters are not persisted: a restart starts windows and quotas afresh
 * from their settings (docs/verification.md).
 */
export class InMemoryUsageLimiter implements UsageLimiter {
  private readonly windows = new Map<string, { index: number; used: number }>();
  private readonly quotas = new Map<string, { id: string; left: number }>();

  async admit(check: LimitCheck, now: number): Promise<LimitOutcome> {
    let ratelimit: { limit: number; remaining: number; reset: number } | undefined;
    let used = 0;
    if (check.rateLimit) {
      const { index, reset } = rateWindow(check.rateLimit.durationMs, now);
      const w = this.windows.get(check.streamId);
      used = w && w.index === index ? w.used : 0;
      ratelimit = { limit: check.rateLimit.limit, remaining: Math.max(0, check.rateLimit.limit - used), reset };
      if (used >= check.rateLimit.limit) return { admitted: false, code: 'RATE_LIMITED', ratelimit };
    }
    let remaining: number | undefined;
    if (check.quota) {
      const counter = quotaCounter(check.quota, check.quotaSetAt, now);
      const q = this.quotas.get(check.streamId);
      const left = q && q.id === counter.id ? q.left : counter.initial;
      if (left <= 0) return { admitted: false, code: 'USAGE_EXCEEDED', ratelimit, remaining: 0 };
      remaining = left - 1;
      this.quotas.set(check.streamId, { id: counter.id, left: remaining });
    }
    if (check.rateLimit && ratelimit) {
      const { index } = rateWindow(check.rateLimit.durationMs, now);
      this.windows.set(check.streamId, { index, used: used + 1 });
      ratelimit = { ...ratelimit, remaining: check.rateLimit.limit - used - 1 };
    }
    return { admitted: true, ratelimit, remaining };
  }
}
