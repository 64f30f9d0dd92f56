import type { Redis } from 'ioredis';
import { keyStreamId, quotaCounter, rateWindow } from '@key-service/events';
import { KeyValidationView } from '@keys/projections';
import { limitsRestoredKey, limitsRestoringKey, quotaCounterKey, rateCounterKey } from '@key-service/verifier';

export interface LimitRestoreReport {
  readonly quotas: number;
  readonly rates: number;
}

/**
 * Puts back the limit counters of a Redis that lost them, from the usage the event log holds (as
 * the validation views fold it, `limitUsage`), then marks the limit state restored so the limiter
 * creates counters again. Until then the limiter refuses to create any (quota keys answer 503).
 * Seeds never lower a counter that exists: a live counter already counts everything it admitted.
 */
export class RedisLimitStateRestorer {
  constructor(
    private readonly redis: Redis,
    /** The limiter's prefix, e.g. `keys:limits:`. */
    readonly prefix: string,
  ) {}

  async isRestored(): Promise<boolean> {
    return (await this.redis.exists(limitsRestoredKey(this.prefix))) === 1;
  }

  /** Marks a restore as started; `finish` with the same token completes it. */
  async begin(token: string): Promise<void> {
    await this.redis.set(limitsRestoringKey(this.prefix), token);
  }

  /** Seeds the counters that the views' usage says are spent in the current period and window. */
  async seed(views: AsyncIterable<readonly KeyValidationView[]> | Iterable<readonly KeyValidationView[]>, now: number = Date.now()): Promise<LimitRestoreReport> {
    let quotas = 0;
    let rates = 0;
    for await (const page of views) {
      const pipeline = this.redis.pipeline();
      for (const view of page) {
        const usage = view.limitUsage;
        if (!usage) continue;
        if (view.quota && usage.quota) {
          const counter = quotaCounter(view.quota, view.quotaSetAt, now);
          if (usage.quota.counter === counter.id) {
            const left = String(Math.max(0, counter.initial - usage.quota.used));
            const key = quotaCounterKey(this.prefix, keyStreamId(view.tenant, view.keyId), counter.id);
            if (counter.ttlMs > 0) pipeline.set(key, left, 'PX', counter.ttlMs, 'NX');
            else pipeline.set(key, left, 'NX');
            quotas++;
          }
        }
        if (view.rateLimit && usage.rate) {
          const window = rateWindow(view.rateLimit.durationMs, now);
          if (usage.rate.window === window.index) {
            pipeline.set(rateCounterKey(this.prefix, keyStreamId(view.tenant, view.keyId), window.index), String(usage.rate.used), 'PX', Math.max(1, window.reset - now), 'NX');
            rates++;
          }
        }
      }
      if (pipeline.length > 0) await pipeline.exec();
    }
    return { quotas, rates };
  }

  /**
   * Marks the limit state restored, unless the restore marker changed since `begin` (Redis lost
   * its data again during the restore, or another restore started): false then, and the limit
   * state needs another restore.
   */
  async finish(token: string, at: Date = new Date()): Promise<boolean> {
    const result = await this.redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) redis.call('DEL', KEYS[1]) return 1 end return 0`,
      2,
      limitsRestoringKey(this.prefix),
      limitsRestoredKey(this.prefix),
      token,
      `restored ${at.toISOString()}`,
    );
    return Number(result) === 1;
  }
}
