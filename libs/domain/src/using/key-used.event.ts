export const KEY_USED = 'KeyUsed';

/** Usage is coalesced: one event stands for `count` successful verifications within a window. */
export interface KeyUsedData {
  readonly count: number;
  readonly firstUsedAt: string;
  readonly lastUsedAt: string;
}

export interface KeyUsed {
  readonly type: typeof KEY_USED;
  readonly data: KeyUsedData;
}
