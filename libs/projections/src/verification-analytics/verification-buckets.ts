import { MinuteOutcomes, OutcomeCounts } from '@key-service/events';

export type Granularity = 'minute' | 'hour' | 'day';
export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day'];

const UNIT_MS: Readonly<Record<Granularity, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * How long each granularity's buckets are kept, counted back from now (null: as long as the
 * store). Minute buckets serve the last two days in detail, hour buckets a quarter and more; day
 * buckets are one row per key, code and day, small enough to keep.
 */
export const RETENTION_MS: Readonly<Record<Granularity, number | null>> = {
  minute: 7 * UNIT_MS.day,
  hour: 400 * UNIT_MS.day,
  day: null,
};

/** Whether a bucket is past its granularity's retention at `now` (epoch ms): never written, pruned once it is. */
export function expired(granularity: Granularity, start: number, now: number): boolean {
  const keep = RETENTION_MS[granularity];
  return keep !== null && start < now - keep;
}

/** The start of the UTC bucket of `granularity` holding the instant `at` (epoch ms). */
export function bucketStart(at: number, granularity: Granularity): number {
  const unit = UNIT_MS[granularity];
  return at - (((at % unit) + unit) % unit);
}

/** One counter of the read model: answers of `code` about one key in one bucket. */
export interface BucketCount {
  readonly granularity: Granularity;
  /** Epoch ms. */
  readonly start: number;
  readonly code: string;
  readonly count: number;
}

/**
 * Per-minute answers rolled up into minute, hour and day buckets, summed per (bucket, code), so a
 * store adds each counter once.
 */
export function rollUp(minutes: readonly MinuteOutcomes[]): BucketCount[] {
  const sums = new Map<string, { granularity: Granularity; start: number; code: string; count: number }>();
  for (const { minute, counts } of minutes) {
    const at = Date.parse(minute);
    for (const granularity of GRANULARITIES) {
      const start = bucketStart(at, granularity);
      for (const [code, n] of Object.entries(counts)) {
        const id = `${granularity}|${start}|${code}`;
        const sum = sums.get(id);
        if (sum) sum.count += n;
        else sums.set(id, { granularity, start, code, count: n });
      }
    }
  }
  return [...sums.values()];
}

/** One bucket of an answer: every code's count and their total. */
export interface VerificationBucket {
  /** ISO-8601 start of the bucket. */
  readonly start: string;
  readonly total: number;
  readonly counts: OutcomeCounts;
}

/** Rows of (start, code, count) in ascending start order, as buckets; empty buckets never appear. */
export function toBuckets(rows: ReadonlyArray<{ start: number; code: string; count: number }>): VerificationBucket[] {
  const buckets: Array<{ start: string; total: number; counts: Record<string, number> }> = [];
  let current: (typeof buckets)[number] | null = null;
  let currentStart = NaN;
  for (const row of rows) {
    if (row.start !== currentStart) {
      currentStart = row.start;
      current = { start: new Date(row.start).toISOString(), total: 0, counts: {} };
      buckets.push(current);
    }
    current!.counts[row.code] = (current!.counts[row.code] ?? 0) + row.count;
    current!.total += row.count;
  }
  return buckets;
}
