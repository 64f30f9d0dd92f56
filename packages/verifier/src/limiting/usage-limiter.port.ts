import { RateLimit, UsageQuota } from '@key-service/events';

export interface LimitCheck {
  /** The key's stream id, `<tenant>/<id>`: counters are per key, and ids are unique per tenant only. */
  readonly streamId: string;
  readonly rateLimit: RateLimit | null;
  readonly quota: UsageQuota | null;
  readonly quotaSetAt: string | null;
}

export type LimitOutcome =
  | { readonly admitted: true; readonly ratelimit?: { limit: number; remaining: number; reset: number }; readonly remaining?: number }
  | { readonly admitted: false; readonly code: 'RATE_LIMITED' | 'USAGE_EXCEEDED'; readonly ratelimit?: { limit: number; remaining: number; reset: number }; readonly remaining?: number };

/**
 * Checks and consumes a key's rate limit and quota in one atomic step, so concurrent verifies
 * (on any number of instances sharing the limiter) never admit more than the limits allow.
 * A rate-limited verify consumes no quota. A check with neither limit is admitted untouched, so
 * KeyVerifier does not call the limiter for a key without limits (every implementation here
 * answers such a check `{ admitted: true }` without a side effect).
 */
export interface UsageLimiter {
  admit(check: LimitCheck, now: number): Promise<LimitOutcome>;
}
