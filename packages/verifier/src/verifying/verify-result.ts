/** Verify answers, as Unkey names them. */
export type VerifyCode =
  | 'VALID'
  | 'NOT_FOUND'
  | 'EXPIRED'
  | 'REVOKED'
  | 'DISABLED'
  | 'FORBIDDEN'
  | 'INSUFFICIENT_ROLES'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'RATE_LIMITED'
  | 'USAGE_EXCEEDED';

export const VERIFY_CODES: readonly VerifyCode[] = [
  'VALID',
  'NOT_FOUND',
  'EXPIRED',
  'REVOKED',
  'DISABLED',
  'FORBIDDEN',
  'INSUFFICIENT_ROLES',
  'INSUFFICIENT_PERMISSIONS',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
];

export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  /** When the current window ends (epoch ms). */
  readonly reset: number;
}

export interface VerifyResult {
  readonly valid: boolean;
  readonly code: VerifyCode;
  readonly keyId?: string;
  readonly tenant?: string;
  readonly name?: string;
  readonly roles?: readonly string[];
  readonly expiresAt?: string | null;
  readonly ratelimit?: RateLimitState;
  /** Verifications left in the quota, after this one. */
  readonly remaining?: number;
}
