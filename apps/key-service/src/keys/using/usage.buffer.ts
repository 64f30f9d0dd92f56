import { MINUTE_MS, MinuteOutcomes } from '@key-service/events';

/** Verifications of one key, by its stream id (`<tenant>/<id>`). */
export interface PendingUsage {
  readonly streamId: string;
  /** Successful verifications (VALID): usage. */
  readonly count: number;
  /** First and last successful one; null when `count` is 0. */
  readonly firstUsedAt: string | null;
  readonly lastUsedAt: string | null;
  /** Every answer about the key, per UTC minute, VALID included. */
  readonly outcomes: readonly MinuteOutcomes[];
}

interface Entry {
  count: number;
  first: number;
  last: number;
  /** Minute start (epoch ms) → code → answers. */
  minutes: Map<number, Record<string, number>>;
}

/**
 * Counts verify answers about known keys in memory, off the response path. Draining hands over
 * one entry per key, so a key verified thousands of times a second still costs one KeyUsed event a
 * window, whatever it was answered. Recording is a few Map lookups and an increment: verify is hot.
 */
export class UsageBuffer {
  private pending = new Map<string, Entry>();

  record(streamId: string, code = 'VALID', at: number = Date.now()): void {
    let entry = this.pending.get(streamId);
    if (!entry) {
      entry = { count: 0, first: Infinity, last: -Infinity, minutes: new Map() };
      this.pending.set(streamId, entry);
    }
    if (code === 'VALID') {
      entry.count++;
      if (at < entry.first) entry.first = at;
      if (at > entry.last) entry.last = at;
    }
    const minute = at - (at % MINUTE_MS);
    let counts = entry.minutes.get(minute);
    if (!counts) {
      counts = {};
      entry.minutes.set(minute, counts);
    }
    counts[code] = (counts[code] ?? 0) + 1;
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
      firstUsedAt: e.count > 0 ? new Date(e.first).toISOString() : null,
      lastUsedAt: e.count > 0 ? new Date(e.last).toISOString() : null,
      outcomes: [...e.minutes]
        .sort(([a], [b]) => a - b)
        .map(([minute, counts]) => ({ minute: new Date(minute).toISOString(), counts: { ...counts } })),
    }));
  }

  /** Puts back usage whose flush failed, so an outage delays lastUsedAt but loses no count. */
  restore(usage: PendingUsage): void {
    let entry = this.pending.get(usage.streamId);
    if (!entry) {
      entry = { count: 0, first: Infinity, last: -Infinity, minutes: new Map() };
      this.pending.set(usage.streamId, entry);
    }
    entry.count += usage.count;
    if (usage.firstUsedAt !== null) entry.first = Math.min(entry.first, Date.parse(usage.firstUsedAt));
    if (usage.lastUsedAt !== null) entry.last = Math.max(entry.last, Date.parse(usage.lastUsedAt));
    for (const { minute, counts } of usage.outcomes) {
      const at = Date.parse(minute);
      const into = entry.minutes.get(at) ?? {};
      for (const [code, n] of Object.entries(counts)) into[code] = (into[code] ?? 0) + n;
      entry.minutes.set(at, into);
    }
  }
}
