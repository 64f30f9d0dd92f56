import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { RecordKeyUsageCommand } from './record-key-usage.command';
import { UsageBuffer } from './usage.buffer';
import { USAGE_INBOX, UsageInbox } from './usage-inbox.port';

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

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(USAGE_INBOX) private readonly inbox: UsageInbox,
  ) {}

  onModuleInit(): void {
    this.timers.push(setInterval(() => void this.flush(), this.config.usageWindowMs));
    if (this.config.usageQuotaWindowMs < this.config.usageWindowMs)
      this.timers.push(setInterval(() => void this.flush([this.quotaBuffer]), this.config.usageQuotaWindowMs));
    for (const timer of this.timers) timer.unref();
    // A Redis that comes back may come back empty: the projector then seeds the quota counters
    // from the usage in the log, so what this instance admitted must be there, now, not in a window.
    this.inbox.onSharedCountersLost(() => {
      this.logger.warn('Lost Redis: flushing buffered usage to the event log now');
      void this.flush();
    });
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
      if (buffers.includes(this.buffer)) for (const usage of await this.inbox.drain().catch(() => [])) this.buffer.restore(usage);
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

