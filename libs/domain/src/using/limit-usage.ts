import { quotaCounter, RateLimit, UsageQuota } from '@key-service/events';

/**
 * The usage in the event log that counts against a key's limits, folded from its KeyUsed events:
 * what restores the Redis counters of its quota and rate limit when Redis loses them. A KeyUsed
 * coalesces many verifications between `firstUsedAt` and `lastUsedAt`; all of them are counted
 * in the period (and rate window) of `lastUsedAt`, the one that may still be current. Usage that
 * straddles a boundary is therefore counted in the later period: an overcount, never an undercount,
 * so a restored counter can refuse a little early but never admit over the limit.
 */
export interface LimitUsage {
  /** `counter` is the quota counter's id (`quotaCounter`) the usage counts against. */
  readonly quota: { readonly counter: string; readonly used: number; readonly lastAt: number } | null;
  /** `window` is the rate window's index (`rateWindow`) for the key's current durationMs. */
  readonly rate: { readonly window: number; readonly used: number } | null;
}

export interface LimitSettings {
  readonly rateLimit: RateLimit | null;
  readonly quota: UsageQuota | null;
  readonly quotaSetAt: string | null;
}

export const NO_LIMIT_USAGE: LimitUsage = { quota: null, rate: null };

/** Adds one KeyUsed to what counts against the limits in force. */
export function countUsage(usage: LimitUsage | undefined, limits: LimitSettings, count: number, lastUsedAt: string): LimitUsage {
  const before = usage ?? NO_LIMIT_USAGE;
  const at = Date.parse(lastUsedAt);
  return { quota: countQuota(before.quota, limits, count, at), rate: countRate(before.rate, limits.rateLimit, count, at) };
}

function countQuota(current: LimitUsage['quota'], limits: LimitSettings, count: number, at: number): LimitUsage['quota'] {
  if (!limits.quota) return null;
  // Usage that ended before the quota was set was counted against the one before it.
  if (limits.quotaSetAt !== null && at < Date.parse(limits.quotaSetAt)) return current;
  const counter = quotaCounter(limits.quota, limits.quotaSetAt, at).id;
  if (current && current.counter === counter) return { counter, used: current.used + count, lastAt: Math.max(current.lastAt, at) };
  // A late flush of an earlier period does not move the count back to that period.
  if (current && current.lastAt > at) return current;
  return { counter, used: count, lastAt: at };
}

function countRate(current: LimitUsage['rate'], rateLimit: RateLimit | null, count: number, at: number): LimitUsage['rate'] {
  if (!rateLimit) return null;
  const window = Math.floor(at / rateLimit.durationMs);
  if (current && current.window === window) return { window, used: current.used + count };
  if (current && current.window > window) return current;
  return { window, used: count };
}

/** A change of limits: the quota's count starts afresh when it is set again, a rate's when its window length changes. */
export function resetUsage(usage: LimitUsage | undefined, quotaChanged: boolean, rateDurationChanged: boolean): LimitUsage | undefined {
  if (!usage) return usage;
  return { quota: quotaChanged ? null : usage.quota, rate: rateDurationChanged ? null : usage.rate };
}
