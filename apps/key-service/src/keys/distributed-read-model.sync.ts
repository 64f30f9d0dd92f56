import { Logger } from '@nestjs/common';
import { keyStreamId, RecordedKeyEvent } from '@keys/domain';
import {
  foldKeyEvents,
  KeyDetailsPgStore,
  keyValidationProjection,
  KeyValidationPgStore,
  KeyValidationView,
  RedisKeyValidationStore,
  validationRecords,
} from '@keys/projections';
import { RedisInvalidationBus } from '@keys/verification';
import { ReadModelSync, StreamBeforeAppend } from './read-model-sync.port';

export interface DistributedReadModelSyncDeps {
  readonly details: KeyDetailsPgStore;
  readonly redisValidation: RedisKeyValidationStore;
  readonly pgValidation: KeyValidationPgStore;
  readonly bus: RedisInvalidationBus;
  readonly readYourWritesTimeoutMs: number;
}

/**
 * The distributed mode's part of a command, after its append and before its response:
 * 1. the key's validation view, folded from its whole stream, goes to Redis (verify's model)
 *    and, at the same time, to PostgreSQL (verify's fallback), version-guarded so the projector
 *    never regresses it;
 * 2. every instance drops the key from its in-process cache, or refreshes it with the records
 *    the message carries (published by the Redis write's own script), and confirms;
 * 3. (`readYourWrites`) the command waits (bounded) until the projector shows the write in the
 *    query model, so the caller reads what it just wrote (the append's NOTIFY woke the relay).
 * Steps 1 and 2 are what make a revoke effective before its response, whatever Kafka's lag.
 */
export class DistributedReadModelSync implements ReadModelSync {
  private readonly logger = new Logger(DistributedReadModelSync.name);

  constructor(private readonly deps: DistributedReadModelSyncDeps) {}

  async afterAppend(events: readonly RecordedKeyEvent[], before: StreamBeforeAppend): Promise<void> {
    if (events.length === 0) return;
    // Usage changes nothing verify decides on: the projector alone carries it.
    if (events.every((e) => e.type === 'KeyUsed')) return;
    const last = events[events.length - 1];
    // The append succeeded against `before`, so it and the events are the whole stream: no re-read.
    const view = foldKeyEvents(keyValidationProjection, before.validation, [...before.events, ...events]).document;
    // Verifiers read Redis, so Redis and the invalidation go first, while the PostgreSQL copy is
    // written beside them; both are done before the response, so whichever a verifier reads
    // (Redis, or PostgreSQL when Redis is down) already has the change once the call returns.
    const toRedisAndCaches = view ? this.writeAndAnnounce(view) : this.invalidate(keyStreamId(last.tenant, last.keyId));
    await Promise.all([view ? this.deps.pgValidation.upsertView(view) : undefined, toRedisAndCaches]);
  }

  async readYourWrites(events: readonly RecordedKeyEvent[]): Promise<void> {
    // Nobody waits to read a usage flush: the projector carries it when it comes.
    if (events.length === 0 || events.every((e) => e.type === 'KeyUsed')) return;
    const last = events[events.length - 1];
    await this.waitForQueryModel(last.tenant, last.keyId, last.version);
  }

  /**
   * The invalidation rides in the view's write script: one Redis round trip for both. It carries
   * the key's new records (the append has committed them), so verifiers refresh what they cached.
   */
  private async writeAndAnnounce(view: KeyValidationView): Promise<void> {
    const streamId = keyStreamId(view.tenant, view.keyId);
    const announcement = this.deps.bus.announce(streamId, validationRecords(view));
    let receivers: number;
    try {
      receivers = await this.deps.redisValidation.upsertView(view, announcement);
    } catch (error) {
      // Verifiers that cannot reach Redis read the PostgreSQL copy, which gets the change too.
      this.logger.error(`Could not write key ${streamId} to the Redis validation model: ${(error as Error).message}`);
      await announcement.confirmed(0);
      // The write may have failed for a reason of its own: the caches must still drop the key.
      return this.invalidate(streamId);
    }
    await announcement.confirmed(receivers);
  }

  private invalidate(streamId: string): Promise<void> {
    return this.deps.bus.publish(streamId).catch((error: unknown) => this.logger.error(`Cache invalidation failed: ${String(error)}`));
  }

  private async waitForQueryModel(tenant: string, keyId: string, version: number): Promise<void> {
    const deadline = Date.now() + this.deps.readYourWritesTimeoutMs;
    // The projector usually shows the write within milliseconds of the relay's publish: poll tightly.
    let pause = 1;
    while (Date.now() < deadline) {
      const view = await this.deps.details.get(tenant, keyId);
      if (view && view.version >= version) return;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 5);
    }
    this.logger.warn(`The query model has not shown key ${keyStreamId(tenant, keyId)} at version ${version} yet; is the projector running?`);
  }
}
