import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { upcastKeyEvent } from '@key-service/events';
import { EventStore } from '@keys/event-store';
import { MessagingLogger } from '@keys/messaging';
import { RedisKeyValidationStore } from '@keys/projections';
import { RedisLimitStateRestorer } from '@keys/verification';
import { replayReadModels } from './read-model.replay';

export interface RedisModelWatchdogOptions {
  readonly store: EventStore;
  readonly model: RedisKeyValidationStore;
  readonly intervalMs: number;
  readonly logger: MessagingLogger;
  /** Restores the rate-limit and quota counters once the model is back; absent: limits are not this watchdog's. */
  readonly limits?: RedisLimitStateRestorer;
  /**
   * How long to let the key-service instances append the usage they had buffered before seeding
   * the counters from the log: they flush it the moment they lose Redis, so this only has to
   * cover one append per key (docs/verification.md, "When something is down").
   */
  readonly limitsSettleMs?: number;
}

/**
 * A Redis that restarts without persistence comes back empty, and verify then answers NOT_FOUND
 * for every key until someone replays the model. The watchdog does it: when the model's "built"
 * marker is missing (first start, or Redis lost its data) it replays the validation model from
 * position 0 of the event store, then sets the marker. It does not empty the model first: applying
 * is version-guarded, so what commands and the Kafka consumer write meanwhile is kept, never
 * moved back.
 *
 * The same Redis held the rate-limit and quota counters, lost with the model: a counter that comes
 * back missing would start again in full. Their "restored" marker is gone too, so until the
 * watchdog seeds them from the usage in the event log and sets it, the limiter creates no counter
 * and keys with a quota answer 503 (never VALID over their quota).
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

  /** Rebuilds the model if it is not marked built, then the limit counters if they are not restored; true when it rebuilt the model. */
  async check(): Promise<boolean> {
    const { limits } = this.options;
    const rebuilt = await this.rebuildModel();
    if (rebuilt === false) return true;
    if (limits && !(await limits.isRestored())) await this.restoreLimits(limits, rebuilt ?? 0);
    return rebuilt !== null;
  }

  /** The position the rebuild read the log up to; null when the model was built already; false when the rebuild was undone under it. */
  private async rebuildModel(): Promise<number | null | false> {
    const { model, store, logger } = this.options;
    if (await model.isBuilt()) return null;
    logger.warn('validation model in Redis is not built (first start, or Redis lost its data): rebuilding from the event store', {
      prefix: model.prefix,
    });
    const token = randomUUID();
    await model.beginBuild(token);
    const [report] = await replayReadModels(store, [model], { reset: false });
    if (!(await model.finishBuild(token))) {
      logger.warn('validation model changed under its rebuild (Redis emptied again?); the next check rebuilds it', {});
      return false;
    }
    logger.info('validation model in Redis rebuilt', { events: report.events, keys: report.keys, position: report.position });
    return report.position;
  }

  /**
   * Seeds the counters from the usage the views fold from the log, after the instances' buffered
   * usage has had time to land there, then marks the limit state restored.
   */
  private async restoreLimits(limits: RedisLimitStateRestorer, readUpTo: number): Promise<void> {
    const { model, store, logger } = this.options;
    logger.warn('rate-limit and quota counters in Redis are not restored: seeding them from the event log', { prefix: limits.prefix });
    const token = randomUUID();
    await limits.begin(token);
    await sleep(this.options.limitsSettleMs ?? 0);
    // What was appended since the rebuild read the log (the instances' usage flushes among it) is
    // folded in here, whatever the Kafka consumer's lag: version-guarded, so nothing moves back.
    for (let after = readUpTo; ; ) {
      const batch = await store.readAll({ after, limit: 1000 });
      if (batch.length === 0) break;
      after = batch[batch.length - 1].position;
      await model.handle(batch.map((e) => upcastKeyEvent(e)));
    }
    const report = await limits.seed(model.views());
    if (!(await limits.finish(token))) {
      logger.warn('limit counters changed under their restore (Redis emptied again?); the next check restores them', {});
      return;
    }
    logger.info('rate-limit and quota counters restored from the event log', { quotas: report.quotas, rates: report.rates });
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
