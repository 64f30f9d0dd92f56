import type { Redis } from 'ioredis';

/**
 * Keyed by each key's stream id (`<tenant>/<id>`), as KeyVerifier's onOutcome reports it.
 *
 * Usage seen by services that verify keys themselves (through ApiKeyGuard) has no event store to
 * write to: they add their counts to a Redis hash, and the key service drains it into coalesced
 * KeyUsed events. Counts are summed locally and pushed once a second, off the request path.
 */
export class RedisUsageQueue {
  private counts = new Map<string, { count: number; first: number; last: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    /** RedisKeyspace.usage */
    private readonly prefix: string,
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.push().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.push().catch(() => undefined);
  }

  record(streamId: string, at = Date.now()): void {
    const e = this.counts.get(streamId);
    if (e) {
      e.count++;
      e.last = Math.max(e.last, at);
    } else this.counts.set(streamId, { count: 1, first: at, last: at });
  }

  async push(): Promise<void> {
    if (this.counts.size === 0) return;
    const batch = this.counts;
    this.counts = new Map();
    const pipeline = this.redis.multi();
    for (const [streamId, e] of batch) {
      pipeline.hincrby(`${this.prefix}count`, streamId, e.count);
      pipeline.eval(
        "local f = redis.call('HGET', KEYS[1], ARGV[1]); if (not f) or tonumber(f) > tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end; local l = redis.call('HGET', KEYS[2], ARGV[1]); if (not l) or tonumber(l) < tonumber(ARGV[3]) then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end",
        2,
        `${this.prefix}first`,
        `${this.prefix}last`,
        streamId,
        String(e.first),
        String(e.last),
      );
    }
    try {
      await pipeline.exec();
    } catch (error) {
      // Redis unreachable: keep the counts for the next push rather than lose them.
      for (const [keyId, e] of batch) {
        const now = this.counts.get(keyId);
        this.counts.set(keyId, now ? { count: now.count + e.count, first: Math.min(now.first, e.first), last: Math.max(now.last, e.last) } : e);
      }
      throw error;
    }
  }

  /** Takes everything queued, atomically, so two draining key-service replicas never count twice. */
  async drain(): Promise<Array<{ streamId: string; count: number; firstUsedAt: string; lastUsedAt: string }>> {
    const [counts, firsts, lasts] = (await this.redis.eval(
      "local c = redis.call('HGETALL', KEYS[1]); local f = redis.call('HGETALL', KEYS[2]); local l = redis.call('HGETALL', KEYS[3]); redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]); return {c, f, l}",
      3,
      `${this.prefix}count`,
      `${this.prefix}first`,
      `${this.prefix}last`,
    )) as [string[], string[], string[]];
    const pairs = (flat: string[]) => new Map(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], Number(flat[2 * i + 1])]));
    const first = pairs(firsts);
    const last = pairs(lasts);
    return [...pairs(counts)].map(([streamId, count]) => ({
      streamId,
      count,
      firstUsedAt: new Date(first.get(streamId) ?? Date.now()).toISOString(),
      lastUsedAt: new Date(last.get(streamId) ?? Date.now()).toISOString(),
    }));
  }
}
