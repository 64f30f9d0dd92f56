import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiKey, ApiKeyState } from '@keys/domain';
import { KEY_EVENT_SCHEMA_VERSION, KeyCreated, KeyEvent, keyStreamId, KeyStreamAddress, RecordedKeyEvent, upcastKeyEvent } from '@key-service/events';
import { EVENT_STORE, EventStore, NewStream, StreamRange, WrongExpectedVersionError } from '@keys/event-store';
import { CommandContext } from './command-context';
import { KeyChange } from './key-change.result';
import { KEY_SNAPSHOT_SCHEMA } from './key-snapshot';

/** A key as a command decides on it. */
export interface LoadedKey {
  readonly key: ApiKey;
  /** The version of the snapshot the load started from (0: the stream was read from its first event). */
  readonly snapshotVersion: number;
  /** When the load began (performance.now()): how long a change took to take effect counts from it. */
  readonly loadStartedAt: number;
}

/** A key's whole stream: what audits and point-in-time reads need. */
export interface KeyHistory {
  readonly key: ApiKey;
  readonly events: RecordedKeyEvent[];
}

/**
 * Loads the ApiKey aggregate, lets a command decide on it, appends what it decided with the
 * envelope, and decides again when another writer got there first: Emmett's command handler.
 * Nothing else: what follows an append (read models, metrics, snapshots) is KeyChangeSettler's.
 * A key is addressed by (tenant, id), its stream by keyStreamId of both: ids are unique per tenant.
 */
@Injectable()
export class KeyRepository {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** For commands: the newest snapshot of the aggregate and the events after it, in one read. */
  async load(address: KeyStreamAddress): Promise<LoadedKey> {
    const loadStartedAt = performance.now();
    const tail = await this.store.readStreamTail(keyStreamId(address.tenant, address.keyId), KEY_SNAPSHOT_SCHEMA);
    const snapshotVersion = tail.snapshot?.version ?? 0;
    const state = (tail.snapshot?.state ?? null) as ApiKeyState | null;
    const key = ApiKey.restore({ state, version: snapshotVersion });
    for (const event of tail.events) key.apply(upcastKeyEvent(event));
    return { key, snapshotVersion, loadStartedAt };
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

  /**
   * Runs load → decide → append, deciding again on a fresh state when another writer got there
   * first (a usage flush racing a revoke, say). `expectedVersion` pins the version instead (If-Match).
   */
  async execute(
    address: KeyStreamAddress,
    decide: (loaded: LoadedKey) => KeyEvent[],
    context: CommandContext,
    options: { expectedVersion?: number; attempts?: number } = {},
  ): Promise<KeyChange> {
    const attempts = options.expectedVersion !== undefined ? 1 : (options.attempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(address);
      if (options.expectedVersion !== undefined && loaded.key.exists && loaded.key.version !== options.expectedVersion)
        throw new WrongExpectedVersionError(keyStreamId(address.tenant, address.keyId), options.expectedVersion, loaded.key.version);
      const events = decide(loaded);
      try {
        return await this.append(address, loaded, events, context, new Date());
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
      }
    }
  }

  /**
   * Starts a key's stream without reading it: the append expects no stream, so an existing key of
   * that id fails it with WrongExpectedVersionError.
   */
  create(address: KeyStreamAddress, events: readonly KeyEvent[], context: CommandContext, now: Date): Promise<KeyChange> {
    return this.append(address, { key: ApiKey.empty(), snapshotVersion: 0, loadStartedAt: performance.now() }, events, context, now);
  }

  /**
   * Starts many keys' streams in one append (one round trip), each with its KeyCreated. Per key, in
   * the given order: its change, or null when a key of that address exists already (or comes
   * earlier in `creations`); the others are created all the same.
   */
  async createMany(creations: ReadonlyArray<{ address: KeyStreamAddress; created: KeyCreated }>, context: CommandContext, now: Date): Promise<Array<KeyChange | null>> {
    const streams = creations.map(({ address, created }): NewStream => ({
      streamId: keyStreamId(address.tenant, address.keyId),
      tenant: address.tenant,
      event: {
        eventId: randomUUID(),
        type: created.type,
        data: created.data,
        schemaVersion: KEY_EVENT_SCHEMA_VERSION[created.type],
        occurredAt: now.toISOString(),
        actor: context.principal.actor,
        correlationId: context.correlationId,
      },
    }));
    const started = await this.store.startStreams(streams);
    const loadStartedAt = performance.now();
    return streams.map(({ streamId, tenant, event }, i) => {
      const position = started[i].position;
      if (position === null) return null;
      const recorded = [upcastKeyEvent({ ...event, streamId, tenant, version: 1, position, data: event.data as Record<string, unknown> })];
      const after = ApiKey.rehydrate(recorded);
      return { before: { key: ApiKey.empty(), snapshotVersion: 0, loadStartedAt }, recorded, after };
    });
  }

  /** `before` is what the decision was made on; the append expects the stream to be still at its version. */
  private async append(
    address: KeyStreamAddress,
    before: LoadedKey,
    events: readonly KeyEvent[],
    context: CommandContext,
    now: Date,
  ): Promise<KeyChange> {
    const after = ApiKey.restore(before.key.snapshot);
    if (events.length === 0) return { before, recorded: [], after };
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
    const recorded = newEvents.map((e, i) =>
      upcastKeyEvent({ ...e, streamId, tenant, version: expectedVersion + i + 1, position: result.positions[i], data: e.data as Record<string, unknown> }),
    );
    for (const event of recorded) after.apply(event);
    return { before, recorded, after };
  }
}
