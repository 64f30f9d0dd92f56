import { randomUUID } from 'node:crypto';
import { EventStore } from '@keys/event-store';
import { MessagingLogger } from '@keys/messaging';
import { RedisKeyValidationStore } from '@keys/projections';
import { replayReadModels } from './read-model.replay';

export interface RedisModelWatchdogOptions {
  readonly store: EventStore;
  readonly model: RedisKeyValidationStore;
  readonly intervalMs: number;
  readonly logger: MessagingLogger;
}

/**
 * A Redis that restarts without persistence comes back empty, and verify then answers NOT_FOUND
 * for every key until someone replays the model. The watchdog does it: when the model's "built"
 * marker is missing (first start, or Redis lost its data) it replays the validation model from
 * position 0 of the event store, then sets the marker. It does not empty the model first: applying
 * is version-guarded, so what commands and the Kafka consumer write meanwhile is kept, never
 * moved back.
 */
export class RedisModelWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(private readonly options: RedisModelWatchdogOptions) {}

  /** Checks at once, then every `intervalMs`. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Rebuilds the model if it is not marked built; true when it did. */
  async check(): Promise<boolean> {
    const { model, store, logger } = this.options;
    if (await model.isBuilt()) return false;
    logger.warn('validation model in Redis is not built (first start, or Redis lost its data): rebuilding from the event store', {
      prefix: model.prefix,
    });
    const token = randomUUID();
    await model.beginBuild(token);
    const [report] = await replayReadModels(store, [model], { reset: false });
    if (!(await model.finishBuild(token))) {
      logger.warn('validation model changed under its rebuild (Redis emptied again?); the next check rebuilds it', {});
      return true;
    }
    logger.info('validation model in Redis rebuilt', { events: report.events, keys: report.keys, position: report.position });
    return true;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.check()
        .catch((error: unknown) =>
          // Redis or PostgreSQL down: the next check retries; verify has its own fallback meanwhile.
          this.options.logger.warn('validation model check failed; retrying', { error: (error as Error).message }),
        )
        .finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
  }
}
