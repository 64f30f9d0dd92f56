/** Verify answers, as Unkey names them. */
export type VerifyCode =
  | 'VALID'
  | 'NOT_FOUND'
  | 'EXPIRED'
  | 'REVOKED'
  | 'DISABLED'
  | 'INSUFFICIENT_ROLES'
  | 'RATE_LIMITED'
  | 'USAGE_EXCEEDED';

export interface VerifyResult {
  readonly valid: boolean;
  readonly code: VerifyCode;
  readonly keyId?: string;
  readonly tenant?: string;
  readonly name?: string;
  readonly roles?: readonly string[];
  readonly expiresAt?: string | null;
}
