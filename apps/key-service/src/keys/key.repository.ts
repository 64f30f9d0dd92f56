import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiKey, KEY_EVENT_SCHEMA_VERSION, KeyEvent, keyStreamId, KeyStreamAddress, RecordedKeyEvent, upcastKeyEvent } from '@keys/domain';
import { EVENT_STORE, EventStore, StreamRange, WrongExpectedVersionError } from '@keys/event-store';
import { foldKeyEvents, keyDetailsProjection, keyValidationProjection } from '@keys/projections';
import { KeyServiceMetrics } from '../metrics/key-service.metrics';
import { CommandContext } from './command-context';
import { KEY_SNAPSHOT_SCHEMA, KeySnapshot, SNAPSHOT_EVERY } from './key-snapshot';
import { READ_MODEL_SYNC, ReadModelSync } from './read-model-sync.port';

/** A key as a command sees it: the aggregate, and the stream it was folded from. */
export interface LoadedKey {
  readonly key: ApiKey;
  /** The snapshot the load started from (null: the stream was read from its first event). */
  readonly snapshot: KeySnapshot | null;
  readonly snapshotVersion: number;
  /** The events after the snapshot; the whole stream when there is none. */
  readonly events: RecordedKeyEvent[];
  /** When the load began (performance.now()): how long a change took to take effect counts from it. */
  readonly loadStartedAt: number;
}

/** A key's whole stream: what audits and point-in-time reads need. */
export interface KeyHistory {
  readonly key: ApiKey;
  readonly events: RecordedKeyEvent[];
}

/** A key that does not exist yet, as a create command starts from. */
export function nothingLoaded(): LoadedKey {
  return { key: ApiKey.empty(), snapshot: null, snapshotVersion: 0, events: [], loadStartedAt: performance.now() };
}

/**
 * Loads the ApiKey aggregate from its stream and appends what it decided, with the envelope. A key
 * is addressed by (tenant, id), its stream by keyStreamId of both: ids are unique per tenant only.
 */
@Injectable()
export class KeyRepository {
  private readonly logger = new Logger(KeyRepository.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
    private readonly metrics: KeyServiceMetrics,
  ) {}

  /** For commands: the newest snapshot and the events after it, in one read. */
  async load(address: KeyStreamAddress): Promise<LoadedKey> {
    const loadStartedAt = performance.now();
    const tail = await this.store.readStreamTail(keyStreamId(address.tenant, address.keyId), KEY_SNAPSHOT_SCHEMA);
    const snapshot = tail.snapshot ? (tail.snapshot.state as unknown as KeySnapshot) : null;
    const snapshotVersion = tail.snapshot?.version ?? 0;
    const events = tail.events.map((e) => upcastKeyEvent(e));
    const key = ApiKey.restore({ state: snapshot?.key ?? null, version: snapshotVersion });
    for (const event of events) key.apply(event);
    return { key, snapshot, snapshotVersion, events, loadStartedAt };
  }

  /** Every event of the key, for what must replay them all. */
  async loadHistory(address: KeyStreamAddress): Promise<KeyHistory> {
    const events = await this.readEvents(address);
    return { key: ApiKey.rehydrate(events), events };
  }

  /** A window of the key's events in stream order, as recorded (upcast): for paging its history. */
  async readEvents(address: KeyStreamAddress, range?: StreamRange): Promise<RecordedKeyEvent[]> {
    return (await this.store.readStream(keyStreamId(address.tenant, address.keyId), range)).map((e) => upcastKeyEvent(e));
  }

  /** `before` is what the decision was made on; the append expects the stream to be still at its version. */
  async append(
    address: KeyStreamAddress,
    before: LoadedKey,
    events: readonly KeyEvent[],
    context: CommandContext,
    now: Date = new Date(),
  ): Promise<RecordedKeyEvent[]> {
    if (events.length === 0) return [];
    const expectedVersion = before.key.version;
    const newEvents = events.map((e) => ({
      eventId: randomUUID(),
      type: e.type,
      data: e.data,
      schemaVersion: KEY_EVENT_SCHEMA_VERSION[e.type],
      occurredAt: now.toISOString(),
      actor: context.principal.actor,
      correlationId: context.correlationId,
    }));
    const { tenant } = address;
    const streamId = keyStreamId(tenant, address.keyId);
    const result = await this.store.appendToStream(streamId, tenant, expectedVersion, newEvents);
    for (const e of newEvents) this.metrics.eventsAppended.inc({ type: e.type });
    const recorded = newEvents.map((e, i) =>
      upcastKeyEvent({ ...e, streamId, tenant, version: expectedVersion + i + 1, position: result.positions[i], data: e.data as Record<string, unknown> }),
    );
    await this.sync.afterAppend(recorded, { validation: before.snapshot?.validation ?? null, events: before.events });
    const change = recorded.filter((e) => e.type !== 'KeyUsed').pop();
    if (change) this.metrics.changeEffective.observe({ change: change.type }, (performance.now() - before.loadStartedAt) / 1000);
    const snapshotDue = recorded[recorded.length - 1].version - before.snapshotVersion >= SNAPSHOT_EVERY;
    // The snapshot is written while the command waits for the query model anyway.
    await Promise.all([snapshotDue ? this.takeSnapshot(before, recorded) : undefined, this.sync.readYourWrites(recorded)]);
    return recorded;
  }

  /**
   * Once per SNAPSHOT_EVERY events, after the change is in force. The snapshot only folds committed
   * events, so it is true whenever it is written; failing to write it costs later loads time, never
   * correctness, so the command does not fail with it (this never throws).
   */
  private async takeSnapshot(before: LoadedKey, recorded: readonly RecordedKeyEvent[]): Promise<void> {
    const since = [...before.events, ...recorded];
    const key = ApiKey.restore(before.key.snapshot);
    for (const event of recorded) key.apply(event);
    const snapshot: KeySnapshot = {
      key: key.snapshot.state,
      details: foldKeyEvents(keyDetailsProjection, before.snapshot?.details ?? null, since).document,
      validation: foldKeyEvents(keyValidationProjection, before.snapshot?.validation ?? null, since).document,
    };
    const streamId = keyStreamId(recorded[0].tenant, recorded[0].keyId);
    try {
      await this.store.saveSnapshot(streamId, KEY_SNAPSHOT_SCHEMA, { version: key.version, state: snapshot as unknown as Record<string, unknown> });
    } catch (error) {
      this.logger.warn(`Could not save a snapshot of key ${streamId}: ${(error as Error).message}`);
    }
  }

  /**
   * Runs load → decide → append, deciding again on a fresh state when another writer got there
   * first (a usage flush racing a revoke, say). `expectedVersion` pins the version instead (If-Match).
   */
  async execute(
    address: KeyStreamAddress,
    decide: (loaded: LoadedKey) => KeyEvent[],
    context: CommandContext,
    options: { expectedVersion?: number; attempts?: number } = {},
  ): Promise<{ loaded: LoadedKey; recorded: RecordedKeyEvent[] }> {
    const attempts = options.expectedVersion !== undefined ? 1 : (options.attempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(address);
      if (options.expectedVersion !== undefined && loaded.key.exists && loaded.key.version !== options.expectedVersion)
        throw new WrongExpectedVersionError(keyStreamId(address.tenant, address.keyId), options.expectedVersion, loaded.key.version);
      const events = decide(loaded);
      try {
        const recorded = await this.append(address, loaded, events, context);
        return { loaded, recorded };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
      }
    }
  }
}
