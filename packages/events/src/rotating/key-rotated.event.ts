export const KEY_ROTATED = 'KeyRotated';

export interface KeyRotatedData {
  /** Hash of the new secret. */
  readonly hash: string;
  readonly prefix: string;
  readonly start: string;
  /** Hash of the secret being replaced. */
  readonly previousHash: string;
  /** Until when the previous secret still verifies; null when it stops at once. */
  readonly previousValidUntil: string | null;
}

export interface KeyRotated {
  readonly type: typeof KEY_ROTATED;
  readonly data: KeyRotatedData;
}
