import { UsageQuota } from './limits';

export interface QuotaCounter {
  /** Identifies the counter: the quota's setting and, with a refill, the current period. */
  readonly id: string;
  /** What the counter starts at when first touched. */
  readonly initial: number;
  /** How long the counter must live (ms); 0 for as long as the quota stands. */
  readonly ttlMs: number;
}

const DAY = 86_400_000;

function periodStart(refill: 'daily' | 'monthly', at: number): number {
  const d = new Date(at);
  return refill === 'daily' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextPeriodStart(refill: 'daily' | 'monthly', at: number): number {
  const d = new Date(periodStart(refill, at));
  return refill === 'daily' ? d.getTime() + DAY : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * The counter a verify at `now` draws from. Without a refill, one counter for as long as the quota
 * stands, starting at `remaining`. With a refill, one counter per UTC day or month: the period in
 * which the quota was set starts at `remaining`, every later one at `refillAmount`.
 */
export function quotaCounter(quota: UsageQuota, quotaSetAt: string | null, now: number): QuotaCounter {
  const setAt = quotaSetAt ? Date.parse(quotaSetAt) : 0;
  if (!quota.refill) return { id: `${setAt}`, initial: quota.remaining, ttlMs: 0 };
  const start = periodStart(quota.refill, now);
  const initial = setAt >= start ? quota.remaining : (quota.refillAmount ?? quota.remaining);
  return { id: `${setAt}:${start}`, initial, ttlMs: nextPeriodStart(quota.refill, now) - now + DAY };
}

export function rateWindow(durationMs: number, now: number): { index: number; reset: number } {
  const index = Math.floor(now / durationMs);
  return { index, reset: (index + 1) * durationMs };
}
