import { Actor } from './actor';
import { keyIdOfStream } from './key-stream-id';
import { isKeyEventType, KEY_EVENT_SCHEMA_VERSION, KeyEvent, RecordedKeyEvent } from './key-event';
import { minuteOf } from './using/key-used.event';

/** An event as any store or transport carries it (event store row, Kafka envelope). */
export interface KeyEventEnvelope {
  readonly eventId: string;
  readonly streamId: string;
  readonly tenant: string;
  readonly type: string;
  readonly version: number;
  readonly position: number;
  readonly occurredAt: string;
  readonly actor: { readonly type: string; readonly id: string };
  readonly correlationId: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Old schema versions are upcast on read, one step at a time, so stored events are never
 * rewritten and every reader sees the current shape. Register `[type][fromVersion]` here when a
 * payload changes (docs/events.md).
 */
const UPCASTERS: Partial<Record<string, Record<number, Upcaster>>> = {
  // Version 2 records how the hash was made; every key before it was issued here, under the pepper.
  KeyCreated: {
    1: (data) => ({ ...data, hashAlgorithm: 'hmac-sha256' }),
    // Version 3 adds the access restrictions; every key before it had none.
    2: (data) => ({ ...data, allowedIps: null, permissions: [] }),
  },
  // Version 2 may change allowedIps and permissions; a version 1 update changed neither, so it is one as it stands.
  KeyUpdated: { 1: (data) => data },
  KeyUsed: {
    // v1 counted successful verifications only, with no per-minute split: all of them are put in
    // the minute of `lastUsedAt` (a window straddling a minute is counted in the later one).
    1: (data) => ({ ...data, outcomes: [{ minute: minuteOf(data.lastUsedAt as string), counts: { VALID: data.count as number } }] }),
  },
};

export function upcastKeyEvent(envelope: KeyEventEnvelope): RecordedKeyEvent {
  if (!isKeyEventType(envelope.type)) throw new Error(`Unknown key event type '${envelope.type}'`);
  let data = envelope.data;
  const target = KEY_EVENT_SCHEMA_VERSION[envelope.type];
  for (let v = envelope.schemaVersion; v < target; v++) {
    const step = UPCASTERS[envelope.type]?.[v];
    if (!step) throw new Error(`No upcaster for ${envelope.type} from schema version ${v}`);
    data = step(data);
  }
  return {
    type: envelope.type,
    data,
    eventId: envelope.eventId,
    keyId: keyIdOfStream(envelope.streamId),
    tenant: envelope.tenant,
    version: envelope.version,
    position: envelope.position,
    occurredAt: envelope.occurredAt,
    actor: envelope.actor as Actor,
    correlationId: envelope.correlationId,
    schemaVersion: target,
  } as RecordedKeyEvent<KeyEvent>;
}
