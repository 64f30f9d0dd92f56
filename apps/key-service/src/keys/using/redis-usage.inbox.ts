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

  drain(): Promise<readonly PendingUsage[]> {
    return this.queue.drain();
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
