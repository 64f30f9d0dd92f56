export const KEY_USED = 'KeyUsed';

/** Verify answers about a known key, by code (`VALID`, `REVOKED`, … and any code added later). */
export type OutcomeCounts = Readonly<Record<string, number>>;

/** The verify answers about one key within one UTC minute. */
export interface MinuteOutcomes {
  /** Start of the UTC minute (ISO-8601, seconds and milliseconds zero). */
  readonly minute: string;
  readonly counts: OutcomeCounts;
}

/**
 * Coalesced verifications of one key within a window (schema version 2). `count`, `firstUsedAt`
 * and `lastUsedAt` are about successful ones only (usage, what limits count); `outcomes` counts
 * every answer per minute, rejections too, for analytics. A window that saw only rejections has
 * `count` 0 and null times.
 */
export interface KeyUsedData {
  readonly count: number;
  readonly firstUsedAt: string | null;
  readonly lastUsedAt: string | null;
  /** Ascending by minute; every count ≥ 1; the VALID counts sum to `count`. */
  readonly outcomes: readonly MinuteOutcomes[];
}

export interface KeyUsed {
  readonly type: typeof KEY_USED;
  readonly data: KeyUsedData;
}

export const MINUTE_MS = 60_000;

/** The UTC minute an instant falls in, as KeyUsed names it. */
export function minuteOf(at: string | number): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return new Date(ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS)).toISOString();
}
