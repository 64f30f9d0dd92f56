import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiKey, KEY_EVENT_SCHEMA_VERSION, KeyEvent, RecordedKeyEvent, upcastKeyEvent } from '@keys/domain';
import { EVENT_STORE, EventStore, WrongExpectedVersionError } from '@keys/event-store';
import { KeyServiceMetrics } from '../metrics/key-service.metrics';
import { CommandContext } from './command-context';
import { READ_MODEL_SYNC, ReadModelSync } from './read-model-sync.port';

export interface LoadedKey {
  readonly key: ApiKey;
  readonly events: RecordedKeyEvent[];
}

/** Loads the ApiKey aggregate from its stream and appends what it decided, with the envelope. */
@Injectable()
export class KeyRepository {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_SYNC) private readonly sync: ReadModelSync,
    private readonly metrics: KeyServiceMetrics,
  ) {}

  async load(keyId: string): Promise<LoadedKey> {
    const events = (await this.store.readStream(keyId)).map((e) => upcastKeyEvent(e));
    return { key: ApiKey.rehydrate(events), events };
  }

  /** `history` is the stream the decision was made on; the append expects it to be still the whole stream. */
  async append(
    keyId: string,
    tenant: string,
    history: readonly RecordedKeyEvent[],
    events: readonly KeyEvent[],
    context: CommandContext,
    now: Date = new Date(),
  ): Promise<RecordedKeyEvent[]> {
    if (events.length === 0) return [];
    const expectedVersion = history.length ? history[history.length - 1].version : 0;
    const newEvents = events.map((e) => ({
      eventId: randomUUID(),
      type: e.type,
      data: e.data,
      schemaVersion: KEY_EVENT_SCHEMA_VERSION[e.type],
      occurredAt: now.toISOString(),
      actor: context.principal.actor,
      correlationId: context.correlationId,
    }));
    const result = await this.store.appendToStream(keyId, tenant, expectedVersion, newEvents);
    for (const e of newEvents) this.metrics.eventsAppended.inc({ type: e.type });
    const recorded = newEvents.map((e, i) =>
      upcastKeyEvent({ ...e, streamId: keyId, tenant, version: expectedVersion + i + 1, position: result.positions[i], data: e.data as Record<string, unknown> }),
    );
    await this.sync.afterAppend(recorded, history);
    return recorded;
  }

  /**
   * Runs load → decide → append, deciding again on a fresh state when another writer got there
   * first (a usage flush racing a revoke, say). `expectedVersion` pins the version instead (If-Match).
   */
  async execute(
    keyId: string,
    decide: (loaded: LoadedKey) => { tenant: string; events: KeyEvent[] },
    context: CommandContext,
    options: { expectedVersion?: number; attempts?: number } = {},
  ): Promise<{ loaded: LoadedKey; recorded: RecordedKeyEvent[] }> {
    const attempts = options.expectedVersion !== undefined ? 1 : (options.attempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(keyId);
      if (options.expectedVersion !== undefined && loaded.key.exists && loaded.key.version !== options.expectedVersion)
        throw new WrongExpectedVersionError(keyId, options.expectedVersion, loaded.key.version);
      const { tenant, events } = decide(loaded);
      try {
        const recorded = await this.append(keyId, tenant, loaded.events, events, context);
        return { loaded, recorded };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
      }
    }
  }
}
