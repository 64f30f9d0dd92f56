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
  const sums: MinuteSums = new Map();
  addMinutes(sums, minutes);
  const counters: BucketCount[] = [];
  forEachRolledUp(sums, (granularity, start, code, count) => counters.push({ granularity, start, code, count }));
  return counters;
}

/**
 * One key's answers per minute and code, keyed by the minute's start in epoch minutes (a small
 * integer, where the ISO string would be one more string kept per minute): what a bulk rebuild
 * sums in memory before it rolls them up once.
 */
export type MinuteSums = Map<number, Record<string, number>>;

/** Adds answers to a key's sums (a minute is the one holding its instant, as rollUp counts it); returns how many minutes were new. */
export function addMinutes(sums: MinuteSums, minutes: readonly MinuteOutcomes[]): number {
  let added = 0;
  for (const { minute, counts } of minutes) {
    const at = Math.floor(Date.parse(minute) / UNIT_MS.minute);
    let sum = sums.get(at);
    if (!sum) {
      sum = Object.create(null) as Record<string, number>;
      sums.set(at, sum);
      added++;
    }
    for (const code in counts) sum[code] = (sum[code] ?? 0) + counts[code];
  }
  return added;
}

/**
 * rollUp over sums already made per minute: each counter (minute, hour and day buckets, summed
 * per bucket and code) given to `visit` once, without an object per counter, in the order of the
 * counters table's primary key after the key (granularity as text: day, hour, minute; then start;
 * then code), so rows a bulk load writes key after key come presorted to its index build.
 */
export function forEachRolledUp(sums: MinuteSums, visit: (granularity: Granularity, start: number, code: string, count: number) => void): void {
  const hours = new Map<number, Record<string, number>>();
  const days = new Map<number, Record<string, number>>();
  const add = (level: Map<number, Record<string, number>>, start: number, counts: Record<string, number>) => {
    let sum = level.get(start);
    if (!sum) {
      sum = Object.create(null) as Record<string, number>;
      level.set(start, sum);
    }
    for (const code in counts) sum[code] = (sum[code] ?? 0) + counts[code];
  };
  for (const [minute, counts] of sums) {
    const start = minute * UNIT_MS.minute;
    add(hours, bucketStart(start, 'hour'), counts);
    add(days, bucketStart(start, 'day'), counts);
  }
  const visitLevel = (granularity: Granularity, level: ReadonlyMap<number, Record<string, number>>, unit: number) => {
    for (const key of [...level.keys()].sort((a, b) => a - b)) {
      const counts = level.get(key) as Record<string, number>;
      const codes = Object.keys(counts);
      if (codes.length > 1) codes.sort();
      for (const code of codes) visit(granularity, key * unit, code, counts[code]);
    }
  };
  visitLevel('day', days, 1);
  visitLevel('hour', hours, 1);
  visitLevel('minute', sums, UNIT_MS.minute);
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
