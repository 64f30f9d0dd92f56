import { Granularity, KeyVerifications } from '../api/api.types';

const UNIT_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** How far back each granularity looks: inside the API's limits (minute ≤ 48 h, hour ≤ 90 d, day ≤ 5 y). */
export const RANGE_MS: Record<Granularity, number> = { minute: 3 * 3_600_000, hour: 36 * 3_600_000, day: 90 * 86_400_000 };

export const RANGE_LABEL: Record<Granularity, string> = { minute: 'last 3 hours', hour: 'last 36 hours', day: 'last 90 days' };

/** Outcomes bottom-up in a stack: the good one first, then the refusals from most to least routine. */
const KNOWN_OUTCOMES = ['VALID', 'RATE_LIMITED', 'USAGE_EXCEEDED', 'INSUFFICIENT_ROLES', 'INSUFFICIENT_PERMISSIONS', 'FORBIDDEN', 'DISABLED', 'EXPIRED', 'REVOKED'];

const COLOURS: Record<string, string> = {
  VALID: '#2e7d32',
  RATE_LIMITED: '#f9a825',
  USAGE_EXCEEDED: '#ef6c00',
  INSUFFICIENT_ROLES: '#6a1b9a',
  INSUFFICIENT_PERMISSIONS: '#8e24aa',
  FORBIDDEN: '#ad1457',
  DISABLED: '#546e7a',
  EXPIRED: '#8d6e63',
  REVOKED: '#c62828',
};

export function outcomeColour(code: string): string {
  return COLOURS[code] ?? '#1565c0';
}

export function rangeFor(granularity: Granularity, now = Date.now()): { from: string; to: string } {
  return { from: new Date(now - RANGE_MS[granularity]).toISOString(), to: new Date(now).toISOString() };
}

export interface FilledSeries {
  /** Bucket starts in epoch seconds (uPlot's unit), every bucket of the range, empty ones too. */
  readonly starts: number[];
  readonly totals: number[];
  /** Outcome code → count per bucket, codes in stacking order. */
  readonly byOutcome: ReadonlyMap<string, number[]>;
}

/** The API lists non-empty buckets only; charts need every bucket of the range, zeros included. */
export function fillBuckets(data: KeyVerifications): FilledSeries {
  const unit = UNIT_MS[data.granularity];
  const first = Math.floor(Date.parse(data.from) / unit) * unit;
  const last = Math.floor(Date.parse(data.to) / unit) * unit;
  const byStart = new Map(data.buckets.map((bucket) => [Math.floor(Date.parse(bucket.start) / unit) * unit, bucket]));
  const codes = new Set<string>();
  for (const bucket of data.buckets) for (const [code, count] of Object.entries(bucket.counts)) if (count > 0) codes.add(code);
  const ordered = [...KNOWN_OUTCOMES.filter((code) => codes.has(code)), ...[...codes].filter((code) => !KNOWN_OUTCOMES.includes(code)).sort()];
  const starts: number[] = [];
  const totals: number[] = [];
  const byOutcome = new Map<string, number[]>(ordered.map((code) => [code, []]));
  for (let at = first; at <= last; at += unit) {
    const bucket = byStart.get(at);
    starts.push(at / 1000);
    totals.push(bucket?.total ?? 0);
    for (const code of ordered) byOutcome.get(code)!.push(bucket?.counts[code] ?? 0);
  }
  return { starts, totals, byOutcome };
}

/** Counts per outcome over the whole range, for the chart's caption and table. */
export function outcomeTotals(data: KeyVerifications): { total: number; byOutcome: [string, number][] } {
  const sums = new Map<string, number>();
  let total = 0;
  for (const bucket of data.buckets) {
    total += bucket.total;
    for (const [code, count] of Object.entries(bucket.counts)) sums.set(code, (sums.get(code) ?? 0) + count);
  }
  const byOutcome = [...sums.entries()].filter(([, n]) => n > 0);
  byOutcome.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
  return { total, byOutcome };
}

function rank(code: string): number {
  const index = KNOWN_OUTCOMES.indexOf(code);
  return index === -1 ? KNOWN_OUTCOMES.length : index;
}

/** Whether any RATE_LIMITED refusal falls in a bucket that overlaps the last hour. */
export function rateLimitedWithin(data: KeyVerifications, windowMs: number, now = Date.now()): boolean {
  const unit = UNIT_MS[data.granularity];
  return data.buckets.some((bucket) => Date.parse(bucket.start) + unit > now - windowMs && (bucket.counts.RATE_LIMITED ?? 0) > 0);
}
