export const KEY_DISABLED = 'KeyDisabled';

export interface KeyDisabledData {
  readonly reason: string | null;
}

export interface KeyDisabled {
  readonly type: typeof KEY_DISABLED;
  readonly data: KeyDisabledData;
}
