import { Logger } from '@nestjs/common';
import { keyStreamId, RecordedKeyEvent } from '@key-service/events';
import { AppendAlongside } from '@keys/event-store';
import {
  detailsOf,
  foldKeyEvents,
  KeyCommandPgWriter,
  KeyDetails,
  keyValidationProjection,
  KeyValidationView,
  RedisKeyValidationStore,
  validationRecords,
  validationViewOf,
} from '@keys/projections';
import { RedisInvalidationBus } from '@key-service/verifier';
import { AppendedChange, PlannedChange, ReadModelSync, StreamBeforeAppend, SyncOptions } from './read-model-sync.port';

export interface DistributedReadModelSyncDeps {
  readonly pgWriter: KeyCommandPgWriter;
  readonly redisValidation: RedisKeyValidationStore;
  readonly bus: RedisInvalidationBus;
}

/**
 * The distributed mode's part of a command, after its append and before its response:
 * 1. the key's validation view, folded from its whole stream, goes to Redis (verify's model);
 * 2. every instance drops the key from its in-process cache, or refreshes it with the records
 *    the message carries (published by the Redis write's own script), and confirms; not for a key
 *    created with a secret the command generated, which no cache can hold (SyncOptions);
 * 3. before them, in the append's own statement (rowsWithAppend), PostgreSQL writes the validation
 *    view (verify's fallback) and the key's query-model row (get, list), version-guarded so the
 *    projector never regresses them; for a change whose append did not carry them, one statement
 *    beside 1 and 2 (afterAppend without SyncOptions.rowsAppended; batches: afterAppendMany).
 * So a command needs PostgreSQL, and Redis for the deny state (with the PostgreSQL fallback),
 * nothing else: Kafka and the projector are off its path. The relay and the projector still carry
 * every event (they build the models of record: replay, lastUsed, other consumers), later.
 */
export class DistributedReadModelSync implements ReadModelSync {
  private readonly logger = new Logger(DistributedReadModelSync.name);

  constructor(private readonly deps: DistributedReadModelSyncDeps) {}

  /**
   * Step 3 in the append's own statement: the key's rows after the change, computed before the
   * append from the aggregate (validationViewOf, detailsOf: what the projections fold from the
   * same events), written only when the append's insert happened and committed with it. So a
   * command costs PostgreSQL one statement and one commit, and its rows can never be missing after
   * its events committed.
   */
  rowsWithAppend({ events, after }: PlannedChange): AppendAlongside | undefined {
    // As in viewAfter: usage alone is the projector's, and a stream that folds to nothing has no rows.
    if (events.length === 0 || events.every((e) => e.type === 'KeyUsed') || !after.exists) return undefined;
    const created = events.findIndex((e) => e.type === 'KeyCreated');
    return this.deps.pgWriter.withAppend(detailsOf(after.state, after.version), validationViewOf(after.state, after.version), created === -1 ? null : created);
  }

  async afterAppend(events: readonly RecordedKeyEvent[], before: StreamBeforeAppend, after: KeyDetails, options: SyncOptions = {}): Promise<void> {
    const view = this.viewAfter(events, before);
    if (view === undefined) return;
    if (view === null) return this.invalidate(keyStreamId(events[0].tenant, events[0].keyId));
    // The append committed the PostgreSQL rows: Redis and the invalidation are what is left.
    if (options.rowsAppended) return this.writeToRedis(view, options);
    // Verifiers read Redis, so Redis and the invalidation go first, while PostgreSQL is written
    // beside them; all are done before the response, so whichever a verifier reads (Redis, or
    // PostgreSQL when Redis is down) and whatever instance a GET lands on has the change.
    await Promise.all([this.deps.pgWriter.write(after, view), this.writeToRedis(view, options)]);
  }

  /**
   * As afterAppend for each key, but PostgreSQL gets all the keys' rows in a few multi-row
   * statements (KeyCommandPgWriter.writeMany) instead of one statement and one commit per key;
   * the Redis writes, one script per key as for a single command, are sent together (ioredis
   * pipelines what is issued in one tick).
   */
  async afterAppendMany(changes: readonly AppendedChange[], options: SyncOptions = {}): Promise<void> {
    const rows: Array<{ details: KeyDetails; validation: KeyValidationView }> = [];
    const invalidations: Promise<void>[] = [];
    for (const { appended, before, after } of changes) {
      const view = this.viewAfter(appended, before);
      if (view === null) invalidations.push(this.invalidate(keyStreamId(appended[0].tenant, appended[0].keyId)));
      else if (view !== undefined) rows.push({ details: after, validation: view });
    }
    await Promise.all([this.deps.pgWriter.writeMany(rows), ...rows.map((r) => this.writeToRedis(r.validation, options)), ...invalidations]);
  }

  /** The key's validation view after `events`; undefined when nothing is to be written, null when it folds to nothing. */
  private viewAfter(events: readonly RecordedKeyEvent[], before: StreamBeforeAppend): KeyValidationView | null | undefined {
    if (events.length === 0) return undefined;
    // Usage changes nothing verify decides on and nobody waits to read a usage flush: the
    // projector alone carries it (lastUsedAt, usageCount), and the key's next command writes it too.
    if (events.every((e) => e.type === 'KeyUsed')) return undefined;
    // The append succeeded against `before`, so it and the events are the whole stream: no re-read.
    const view = foldKeyEvents(keyValidationProjection, before.validation, [...before.events, ...events]).document;
    if (view) return view;
    // Only a stream without KeyCreated folds to nothing; no command appends one.
    const last = events[events.length - 1];
    this.logger.error(`Key ${keyStreamId(last.tenant, last.keyId)} folds to no validation view; its caches are dropped`);
    return null;
  }

  /**
   * A fresh secret's key is written alone: no cache can hold its hash, so there is no message to
   * send, no instance has to handle one and the command waits for no confirmation. A failed write
   * is only logged, as for any command: verifiers then read the PostgreSQL copy.
   */
  private async writeToRedis(view: KeyValidationView, options: SyncOptions): Promise<void> {
    if (!options.freshSecret) return this.writeAndAnnounce(view);
    try {
      await this.deps.redisValidation.upsertView(view);
    } catch (error) {
      this.logger.error(`Could not write key ${keyStreamId(view.tenant, view.keyId)} to the Redis validation model: ${(error as Error).message}`);
    }
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
}
