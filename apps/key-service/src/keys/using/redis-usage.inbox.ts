import type { Redis } from 'ioredis';
import { PgAdvisoryLeaderLock } from '@keys/messaging';
import { RedisUsageQueue } from '@keys/verification';
import { PendingUsage } from './usage.buffer';
import { UsageInbox, UsageLane } from './usage-inbox.port';

/**
 * The distributed topology's inbox: two Redis queues of counts per key ('plain' is also the one
 * the guards of other services push to), and a PostgreSQL advisory lock naming the one instance
 * that drains them. The lock lives with its session: when the leader dies another instance's next
 * window takes over, and what the dead one had drained but not appended is lost (at most a window).
 */
export class RedisUsageInbox implements UsageInbox {
  private readonly queues: Record<UsageLane, RedisUsageQueue>;

  constructor(
    private readonly redis: Redis,
    /** RedisKeyspace.usage */
    usagePrefix: string,
    private readonly leader: PgAdvisoryLeaderLock,
  ) {
    this.queues = { plain: new RedisUsageQueue(redis, usagePrefix), quota: new RedisUsageQueue(redis, `${usagePrefix}quota:`) };
  }

  async share(lane: UsageLane, usage: readonly PendingUsage[]): Promise<boolean> {
    try {
      await this.queues[lane].add(
        usage.map((u) => ({ streamId: u.streamId, count: u.count, first: Date.parse(u.firstUsedAt), last: Date.parse(u.lastUsedAt) })),
      );
      return true;
    } catch {
      return false;
    }
  }

  leads(): Promise<boolean> {
    // PostgreSQL unreachable: nobody can append now anyway; the counts wait in the pool.
    return this.leader.tryAcquire().catch(() => false);
  }

  drain(lane: UsageLane): Promise<readonly PendingUsage[]> {
    return this.queues[lane].drain();
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
