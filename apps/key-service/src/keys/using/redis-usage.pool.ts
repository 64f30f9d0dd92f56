import type { Redis } from 'ioredis';
import { MinuteOutcomes } from '@key-service/events';
import { PendingUsage } from './usage.buffer';

const ADD_FIRST_LAST =
  "local f = redis.call('HGET', KEYS[1], ARGV[1]); if (not f) or tonumber(f) > tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end; local l = redis.call('HGET', KEYS[2], ARGV[1]); if (not l) or tonumber(l) < tonumber(ARGV[3]) then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end";
const TAKE_ALL =
  "local out = {}; for i, k in ipairs(KEYS) do out[i] = redis.call('HGETALL', k) end; redis.call('DEL', unpack(KEYS)); return out";

/**
 * Key-service instances' usage, pooled in Redis between their windows and the leader's: per key
 * the successful count, its first and last use, and every answer per minute and code. Adding is
 * one transaction and taking everything is one script, so a count is taken once, whole.
 */
export class RedisUsagePool {
  private readonly keys: string[];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.keys = ['count', 'first', 'last', 'outcomes'].map((name) => `${prefix}${name}`);
  }

  async add(usage: readonly PendingUsage[]): Promise<void> {
    if (usage.length === 0) return;
    const [count, first, last, outcomes] = this.keys;
    const tx = this.redis.multi();
    for (const u of usage) {
      if (u.count > 0 && u.firstUsedAt && u.lastUsedAt) {
        tx.hincrby(count, u.streamId, u.count);
        tx.eval(ADD_FIRST_LAST, 2, first, last, u.streamId, String(Date.parse(u.firstUsedAt)), String(Date.parse(u.lastUsedAt)));
      }
      for (const { minute, counts } of u.outcomes)
        for (const [code, n] of Object.entries(counts)) tx.hincrby(outcomes, JSON.stringify([u.streamId, minute, code]), n);
    }
    const results = await tx.exec();
    // exec resolves with each command's error rather than rejecting.
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('Redis discarded the usage transaction');
  }

  async drain(): Promise<PendingUsage[]> {
    const [counts, firsts, lasts, outcomes] = (await this.redis.eval(TAKE_ALL, this.keys.length, ...this.keys)) as string[][];
    const pairs = (flat: string[]) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], Number(flat[2 * i + 1])] as const);
    const first = new Map(pairs(firsts));
    const last = new Map(pairs(lasts));
    const byKey = new Map<string, { count: number; minutes: Map<string, Record<string, number>> }>();
    const entry = (streamId: string) => {
      let e = byKey.get(streamId);
      if (!e) byKey.set(streamId, (e = { count: 0, minutes: new Map() }));
      return e;
    };
    for (const [streamId, n] of pairs(counts)) entry(streamId).count = n;
    for (const [field, n] of pairs(outcomes)) {
      const [streamId, minute, code] = JSON.parse(field) as [string, string, string];
      const minutes = entry(streamId).minutes;
      minutes.set(minute, { ...minutes.get(minute), [code]: n });
    }
    return [...byKey].map(([streamId, e]) => {
      const f = first.get(streamId);
      const l = last.get(streamId);
      const used = e.count > 0 && f !== undefined && l !== undefined;
      const minuteOutcomes: MinuteOutcomes[] = [...e.minutes]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([minute, c]) => ({ minute, counts: c }));
      return {
        streamId,
        count: e.count,
        firstUsedAt: used ? new Date(f).toISOString() : null,
        lastUsedAt: used ? new Date(l).toISOString() : null,
        outcomes: minuteOutcomes,
      };
    });
  }
}
