/** Usage of one key, by its stream id (`<tenant>/<id>`). */
export interface PendingUsage {
  readonly streamId: string;
  readonly count: number;
  readonly firstUsedAt: string;
  readonly lastUsedAt: string;
}

/**
 * Counts successful verifications in memory, off the response path. Draining hands over one entry
 * per key, so a key verified thousands of times a second still costs one KeyUsed event a window.
 */
export class UsageBuffer {
  private pending = new Map<string, { count: number; first: number; last: number }>();

  record(streamId: string, at: number = Date.now()): void {
    const entry = this.pending.get(streamId);
    if (entry) {
      entry.count++;
      if (at > entry.last) entry.last = at;
    } else this.pending.set(streamId, { count: 1, first: at, last: at });
  }

  get size(): number {
    return this.pending.size;
  }

  drain(): PendingUsage[] {
    const drained = this.pending;
    this.pending = new Map();
    return [...drained].map(([streamId, e]) => ({
      streamId,
      count: e.count,
      firstUsedAt: new Date(e.first).toISOString(),
      lastUsedAt: new Date(e.last).toISOString(),
    }));
  }

  /** Puts back usage whose flush failed, so an outage delays lastUsedAt but loses no count. */
  restore(usage: PendingUsage): void {
    const first = Date.parse(usage.firstUsedAt);
    const last = Date.parse(usage.lastUsedAt);
    const entry = this.pending.get(usage.streamId);
    if (entry) {
      entry.count += usage.count;
      entry.first = Math.min(entry.first, first);
      entry.last = Math.max(entry.last, last);
    } else this.pending.set(usage.streamId, { count: usage.count, first, last });
  }
}
