/** Per-key limits, set at create or update time and enforced by the verify path. */
export interface RateLimit {
  /** Requests admitted per window. */
  readonly limit: number;
  /** Window length in milliseconds. */
  readonly durationMs: number;
}

export type QuotaRefill = 'daily' | 'monthly';

export interface UsageQuota {
  /** Verifications left; a verify that would go below zero answers USAGE_EXCEEDED. */
  readonly remaining: number;
  /** When set, `remaining` is reset to `refillAmount` at the start of every day or month (UTC). */
  readonly refill: QuotaRefill | null;
  readonly refillAmount: number | null;
}
