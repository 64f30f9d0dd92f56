export const KEY_ENABLED = 'KeyEnabled';

export interface KeyEnabledData {
  readonly reason: string | null;
}

export interface KeyEnabled {
  readonly type: typeof KEY_ENABLED;
  readonly data: KeyEnabledData;
}
