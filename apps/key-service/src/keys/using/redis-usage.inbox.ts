import { minuteOf } from '@key-service/events';
import type { Redis } from 'ioredis';
import { PgAdvisoryLeaderLock } from '@keys/messaging';
import { RedisUsageQueue } from '@key-service/verifier';
import { RedisUsagePool } from './redis-usage.pool';
import { PendingUsage } from './usage.buffer';
import { UsageInbox, UsageLane } from './usage-inbox.port';

/**
 * The distributed topology's inbox: a Redis pool per lane where instances add their counts, the
 * guards' queue (other services' usage), and a PostgreSQL advisory lock naming the one instance
 * that drains them. The lock lives with its session: when the leader dies another instance's next
 * window takes over, and what the dead one had drained but not appended is lost (at most a window).
 */
export class RedisUsageInbox implements UsageInbox {
  private readonly pools: Record<UsageLane, RedisUsagePool>;
  private readonly guards: RedisUsageQueue;

  constructor(
    private readonly redis: Redis,
    /** RedisKeyspace.usage */
    usagePrefix: string,
    private readonly leader: PgAdvisoryLeaderLock,
  ) {
    this.pools = { plain: new RedisUsagePool(redis, `${usagePrefix}pool:`), quota: new RedisUsagePool(redis, `${usagePrefix}pool:quota:`) };
    this.guards = new RedisUsageQueue(redis, usagePrefix);
  }

  async share(lane: UsageLane, usage: readonly PendingUsage[]): Promise<boolean> {
    try {
      await this.pools[lane].add(usage);
      return true;
    } catch {
      return false;
    }
  }

  leads(): Promise<boolean> {
    // PostgreSQL unreachable: nobody can append now anyway; the counts wait in the pool.
    return this.leader.tryAcquire().catch(() => false);
  }

  async drain(lane: UsageLane): Promise<readonly PendingUsage[]> {
    const pooled = await this.pools[lane].drain();
    return lane === 'plain' ? [...pooled, ...(await this.drainGuards())] : pooled;
  }

  /** Guards queue successes only: each becomes VALID answers in the minute of its last use. */
  private async drainGuards(): Promise<PendingUsage[]> {
    return (await this.guards.drain()).map((usage) => ({
      ...usage,
      outcomes: usage.lastUsedAt ? [{ minute: minuteOf(usage.lastUsedAt), counts: { VALID: usage.count } }] : [],
    }));
  }

  onSharedCountersLost(listener: () => void): void {
    // Once per outage: ioredis emits 'close' on every failed reconnect too.
    let ready = this.redis.status === 'ready';
    this.redis.on('ready', () => (ready = true));
    this.redis.on('close', () => {
      if (!ready) return;
      ready = false;
      listener();
    });
  }

  /** Gives up leadership: another instance drains from its next window. */
  close(): Promise<void> {
    return this.leader.release();
  }
}
