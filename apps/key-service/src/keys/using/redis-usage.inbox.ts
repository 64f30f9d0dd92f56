import { minuteOf } from '@keys/domain';
import type { Redis } from 'ioredis';
import { RedisUsageQueue } from '@keys/verification';
import { PendingUsage } from './usage.buffer';
import { UsageInbox } from './usage-inbox.port';

/** The distributed topology's inbox: the guards' queue in Redis, and that Redis's connection dropping. */
export class RedisUsageInbox implements UsageInbox {
  private readonly queue: RedisUsageQueue;

  constructor(
    private readonly redis: Redis,
    /** RedisKeyspace.usage */
    usagePrefix: string,
  ) {
    this.queue = new RedisUsageQueue(redis, usagePrefix);
  }

  /** Guards queue successes only: each becomes VALID answers in the minute of its last use. */
  async drain(): Promise<readonly PendingUsage[]> {
    return (await this.queue.drain()).map((usage) => ({
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
}
