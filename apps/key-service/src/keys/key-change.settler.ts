import { Inject, Injectable, Logger } from '@nestjs/common';
import { keyStreamId } from '@key-service/events';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { KeyDetails, validationViewOf } from '@keys/projections';
import { KeyServiceMetrics } from '../metrics/key-service.metrics';
import { detailsAfter, KeyChange } from './key-change.result';
import { KEY_SNAPSHOT_SCHEMA, SNAPSHOT_EVERY } from './key-snapshot';
import { AppendedChange, READ_MODEL_SYNC, ReadModelSync, SyncOptions } from './read-model-sync.port';

/**
 * Everything that follows a command's append, before it answers: the change is put in force for
 * verifiers (ReadModelSync), counted, snapshotted when due, and readable by the caller.
 */
@Injectable()
export class KeyChangeSettler {
  private readonly logger = new Logger(KeyChangeSettler.name);

  constructor(
    @Inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly metrics: KeyServiceMetrics,
  ) {}

  /**
   * Resolves once the change is in force and readable; answers the key as it now stands.
   * `options.freshSecret` only for a key this command created with a secret it generated (SyncOptions).
   */
  async settle(change: KeyChange, options: SyncOptions = {}): Promise<KeyDetails> {
    const { before, recorded } = change;
    const details = detailsAfter(change);
    if (recorded.length > 0) {
      for (const event of recorded) this.metrics.eventsAppended.inc({ type: event.type });
      // The validation view before the append is derived from the aggregate, never read from a
      // snapshot or a store: what verifiers get is the fold of the events, whatever was stored.
      const validation = before.key.exists ? validationViewOf(before.key.state, before.key.version) : null;
      const snapshotDue = change.after.version - before.snapshotVersion >= SNAPSHOT_EVERY;
      // The snapshot is written while the read models are, off the change's critical path.
      const snapshot = snapshotDue ? this.takeSnapshot(change) : undefined;
      await this.sync.afterAppend(recorded, { validation, events: [] }, details, change.rowsAppended ? { ...options, rowsAppended: true } : options);
      const effective = recorded.filter((e) => e.type !== 'KeyUsed').pop();
      if (effective) this.metrics.changeEffective.observe({ change: effective.type }, (performance.now() - before.loadStartedAt) / 1000);
      await snapshot;
    }
    return details;
  }

  /**
   * settle for many keys appended together (batch create, import): each is in force and readable
   * when it resolves, as after settle, with the read models' writes shared (afterAppendMany).
   * Answers each key as it now stands, in the order given.
   */
  async settleMany(changes: readonly KeyChange[], options: SyncOptions = {}): Promise<KeyDetails[]> {
    const details = changes.map(detailsAfter);
    const appended: AppendedChange[] = [];
    const snapshots: Promise<void>[] = [];
    for (const [i, change] of changes.entries()) {
      const { before, recorded } = change;
      if (recorded.length === 0) continue;
      for (const event of recorded) this.metrics.eventsAppended.inc({ type: event.type });
      const validation = before.key.exists ? validationViewOf(before.key.state, before.key.version) : null;
      if (change.after.version - before.snapshotVersion >= SNAPSHOT_EVERY) snapshots.push(this.takeSnapshot(change));
      appended.push({ appended: recorded, before: { validation, events: [] }, after: details[i] });
    }
    if (appended.length === 0) return details;
    await this.sync.afterAppendMany(appended, options);
    const now = performance.now();
    for (const { before, recorded } of changes) {
      const effective = recorded.filter((e) => e.type !== 'KeyUsed').pop();
      if (effective) this.metrics.changeEffective.observe({ change: effective.type }, (now - before.loadStartedAt) / 1000);
    }
    await Promise.all(snapshots);
    return details;
  }

  /**
   * Once per SNAPSHOT_EVERY events, after the change is in force. The snapshot only folds committed
   * events, so it is true whenever it is written; failing to write it costs later loads time, never
   * correctness, so the command does not fail with it (this never throws).
   */
  private async takeSnapshot({ after, recorded }: KeyChange): Promise<void> {
    const streamId = keyStreamId(recorded[0].tenant, recorded[0].keyId);
    const { state, version } = after.snapshot;
    if (!state) return;
    try {
      await this.store.saveSnapshot(streamId, KEY_SNAPSHOT_SCHEMA, { version, state: state as unknown as Record<string, unknown> });
    } catch (error) {
      this.logger.warn(`Could not save a snapshot of key ${streamId}: ${(error as Error).message}`);
    }
  }
}
