import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { RedisUsageQueue } from '@keys/verification';
import { USAGE_QUEUE } from '../../persistence/tokens';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../config/app.config';
import { RecordKeyUsageCommand } from './record-key-usage.command';
import { UsageBuffer } from './usage.buffer';

/** Flushes the usage buffer every window (USAGE_WINDOW_SECONDS) and once more at shutdown. */
@Injectable()
export class UsageFlusher implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(UsageFlusher.name);
  readonly buffer = new UsageBuffer();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<number> | null = null;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(USAGE_QUEUE) private readonly queue: RedisUsageQueue | null,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.usageWindowMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  record(streamId: string): void {
    this.buffer.record(streamId);
  }

  /** Appends one KeyUsed per key with pending usage; returns how many events were written. */
  async flush(): Promise<number> {
    if (this.flushing) await this.flushing;
    this.flushing = (async () => {
      let written = 0;
      // Usage that other services' guards saw arrives through Redis; it is coalesced with ours.
      if (this.queue) for (const usage of await this.queue.drain().catch(() => [])) this.buffer.restore(usage);
      for (const usage of this.buffer.drain()) {
        try {
          await this.commandBus.execute(new RecordKeyUsageCommand(usage));
          written++;
        } catch (error) {
          this.buffer.restore(usage);
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
