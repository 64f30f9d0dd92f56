export const KEY_REVOKED = 'KeyRevoked';

export interface KeyRevokedData {
  readonly reason: string | null;
}

export interface KeyRevoked {
  readonly type: typeof KEY_REVOKED;
  readonly data: KeyRevokedData;
}
