import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Redis } from 'ioredis';
import { minuteOf } from '@keys/domain';
import { RedisUsageQueue } from '@keys/verification';
import { REDIS, USAGE_QUEUE } from '../../persistence/tokens';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { RecordKeyUsageCommand } from './record-key-usage.command';
import { PendingUsage, UsageBuffer } from './usage.buffer';

/**
 * Flushes buffered usage as KeyUsed events: keys without a quota every window
 * (USAGE_WINDOW_SECONDS), keys with a quota every shorter one (USAGE_QUOTA_WINDOW_SECONDS), and
 * everything at once when this instance loses Redis and at shutdown. What a crash (kill -9) loses
 * is what the buffers held: at most one window of each (docs/architecture.md, "Usage").
 */
@Injectable()
export class UsageFlusher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageFlusher.name);
  /** Keys without a quota. */
  readonly buffer = new UsageBuffer();
  /** Keys with a quota: their usage restores the quota's counter if Redis loses it. */
  readonly quotaBuffer = new UsageBuffer();
  private readonly timers: NodeJS.Timeout[] = [];
  private flushing: Promise<number> | null = null;
  private redisReady = false;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(USAGE_QUEUE) private readonly queue: RedisUsageQueue | null,
    @Optional() @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    this.timers.push(setInterval(() => void this.flush(), this.config.usageWindowMs));
    if (this.config.usageQuotaWindowMs < this.config.usageWindowMs)
      this.timers.push(setInterval(() => void this.flush([this.quotaBuffer]), this.config.usageQuotaWindowMs));
    for (const timer of this.timers) timer.unref();
    if (this.redis) {
      // A Redis that comes back may come back empty: the projector then seeds the quota counters
      // from the usage in the log, so what this instance admitted must be there, now, not in a window.
      this.redisReady = this.redis.status === 'ready';
      this.redis.on('ready', () => (this.redisReady = true));
      this.redis.on('close', () => {
        if (!this.redisReady) return;
        this.redisReady = false;
        this.logger.warn('Lost Redis: flushing buffered usage to the event log now');
        void this.flush();
      });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.flush();
  }

  /** One verify answer about a known key (`code`: VALID or why it was refused). */
  record(streamId: string, code = 'VALID', hasQuota = false): void {
    (hasQuota ? this.quotaBuffer : this.buffer).record(streamId, code);
  }

  /** Appends one KeyUsed per key with pending usage in `buffers` (default all); returns how many events were written. */
  async flush(buffers: readonly UsageBuffer[] = [this.quotaBuffer, this.buffer]): Promise<number> {
    while (this.flushing) await this.flushing;
    this.flushing = (async () => {
      let written = 0;
      // Usage that other services' guards saw arrives through Redis; it is coalesced with ours.
      if (this.queue && buffers.includes(this.buffer)) for (const usage of await this.queue.drain().catch(() => [])) this.buffer.restore(queuedUsage(usage));
      for (const buffer of buffers)
        for (const usage of buffer.drain()) {
          try {
            await this.commandBus.execute(new RecordKeyUsageCommand(usage));
            written++;
          } catch (error) {
            buffer.restore(usage);
            this.logger.warn(`Usage flush for key ${usage.streamId} failed, kept for the next window: ${(error as Error).message}`);
          }
        }
      return written;
    })();
    try {
      return await this.flushing;
    } finally {
      this.flushing = null;
    }
  }
}

/**
 * Guards queue successful verifications only, a second at a time: they are counted as VALID in the
 * minute of the last one.
 */
function queuedUsage(usage: { streamId: string; count: number; firstUsedAt: string; lastUsedAt: string }): PendingUsage {
  return { ...usage, outcomes: [{ minute: minuteOf(usage.lastUsedAt), counts: { VALID: usage.count } }] };
}
