/** Lifecycle status as stored. EXPIRED is never stored: it follows from expiresAt at read time. */
export type StoredKeyStatus = 'ACTIVE' | 'REVOKED' | 'DISABLED';
export type KeyStatus = StoredKeyStatus | 'EXPIRED';

export function effectiveStatus(status: StoredKeyStatus, expiresAt: string | null, now: Date): KeyStatus {
  if (status === 'ACTIVE' && expiresAt !== null && Date.parse(expiresAt) <= now.getTime()) return 'EXPIRED';
  return status;
}
