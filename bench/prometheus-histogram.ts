/** One histogram series as Prometheus text exposition gives it: cumulative buckets, count and sum. */
export interface HistogramSeries {
  readonly count: number;
  readonly sum: number;
  /** Upper bound (seconds) → observations at or below it. */
  readonly buckets: ReadonlyMap<number, number>;
}

/**
 * Reads one labelled series of a histogram from a `/metrics` page. `labels` is the series' label
 * set as exposed, e.g. `change="KeyRevoked"`. Returns null when the series is not there.
 */
export function parseHistogram(page: string, name: string, labels: string): HistogramSeries | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const value = (suffix: string) => {
    const match = new RegExp(`^${escaped}_${suffix}\\{${labels}\\} (\\S+)$`, 'm').exec(page);
    return match ? Number(match[1]) : null;
  };
  const count = value('count');
  const sum = value('sum');
  if (count === null || sum === null) return null;
  const buckets = new Map<number, number>();
  for (const match of page.matchAll(new RegExp(`^${escaped}_bucket\\{le="([^"]+)",${labels}\\} (\\S+)$`, 'gm')))
    if (match[1] !== '+Inf') buckets.set(Number(match[1]), Number(match[2]));
  return { count, sum, buckets };
}
