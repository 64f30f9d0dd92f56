import { RecordedKeyEvent } from './key-event';
import { KeyEventEnvelope, upcastKeyEvent } from './key-event.upcaster';
import { keyIdOfStream, keyStreamId } from './key-stream-id';
import { MalformedKeyEventError } from './malformed-key-event.error';

/** Default topic of key events (docs/events.md). */
export const KEY_EVENTS_TOPIC = 'api-key-events';

/** Headers every message carries, so consumers can route or skip without parsing the value. */
export const EVENT_TYPE_HEADER = 'event-type';
export const SCHEMA_VERSION_HEADER = 'schema-version';

/**
 * The JSON value of a message on the key events topic: the public contract (docs/events.md).
 * `data` is the payload in the schema version it was stored with; readers upcast it.
 */
export interface KafkaKeyEventEnvelope {
  readonly eventId: string;
  readonly type: string;
  /** The id the tenant chose: unique within `tenant` only. */
  readonly keyId: string;
  readonly tenant: string;
  /** Version of the event in its key's stream, from 1: the per-key dedupe and ordering key. */
  readonly version: number;
  /** Global position in the event store. */
  readonly position: number;
  readonly occurredAt: string;
  readonly actor: { readonly type: string; readonly id: string };
  readonly correlationId: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}

/** A message as kafkajs producers take it, with string values so it stays transport-neutral. */
export interface KeyEventKafkaMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Field names that would mean a plaintext secret slipped into a payload. Events carry only the
 * HMAC of a secret; a payload with one of these is refused rather than published.
 */
const PLAINTEXT_FIELDS: readonly string[] = ['secret', 'plaintext', 'plaintextSecret', 'apiKey', 'rawKey'];

function assertNoPlaintext(eventId: string, data: Record<string, unknown>): void {
  const found = PLAINTEXT_FIELDS.find((field) => field in data);
  if (found) throw new Error(`Event ${eventId} carries a '${found}' field: refusing to publish a possible plaintext secret`);
}

/** The envelope of an event as the event store holds it (the store's rows have this shape). */
export function envelopeFromStoredEvent(event: KeyEventEnvelope): KafkaKeyEventEnvelope {
  assertNoPlaintext(event.eventId, event.data);
  return {
    eventId: event.eventId,
    type: event.type,
    keyId: keyIdOfStream(event.streamId),
    tenant: event.tenant,
    version: event.version,
    position: event.position,
    occurredAt: event.occurredAt,
    actor: { type: event.actor.type, id: event.actor.id },
    correlationId: event.correlationId,
    schemaVersion: event.schemaVersion,
    data: event.data,
  };
}

export function envelopeFromRecordedEvent(event: RecordedKeyEvent): KafkaKeyEventEnvelope {
  // The domain types payloads as interfaces without an index signature; the envelope is plain JSON.
  const data = { ...event.data } as Record<string, unknown>;
  assertNoPlaintext(event.eventId, data);
  return {
    eventId: event.eventId,
    type: event.type,
    keyId: event.keyId,
    tenant: event.tenant,
    version: event.version,
    position: event.position,
    occurredAt: event.occurredAt,
    actor: { type: event.actor.type, id: event.actor.id },
    correlationId: event.correlationId,
    schemaVersion: event.schemaVersion,
    data,
  };
}

/**
 * Keyed by the key's stream id, `<tenant>/<id>`, so every event of one key lands on one partition,
 * in order; two tenants' keys of the same id are two keys.
 */
export function toKafkaMessage(envelope: KafkaKeyEventEnvelope): KeyEventKafkaMessage {
  return {
    key: keyStreamId(envelope.tenant, envelope.keyId),
    value: JSON.stringify(envelope),
    headers: { [EVENT_TYPE_HEADER]: envelope.type, [SCHEMA_VERSION_HEADER]: String(envelope.schemaVersion) },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(body: Record<string, unknown>, field: string, problems: string[]): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) problems.push(`'${field}' must be a non-empty string`);
  return String(value);
}

function requirePositiveInteger(body: Record<string, unknown>, field: string, problems: string[]): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) problems.push(`'${field}' must be an integer >= 1`);
  return Number(value);
}

/**
 * Parses and checks a message value against the envelope contract. Anything else is refused with
 * a `MalformedKeyEventError` naming every problem, so a bad producer is found from one log line.
 */
export function parseKeyEventEnvelope(value: Buffer | string | null | undefined, where = 'message'): KafkaKeyEventEnvelope {
  if (value === null || value === undefined) throw new MalformedKeyEventError(where, ['the message has no value']);
  let body: unknown;
  try {
    body = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new MalformedKeyEventError(where, [`the value is not JSON (${(error as Error).message})`]);
  }
  if (!isRecord(body)) throw new MalformedKeyEventError(where, ['the value is not a JSON object']);

  const problems: string[] = [];
  const eventId = requireString(body, 'eventId', problems);
  const type = requireString(body, 'type', problems);
  const keyId = requireString(body, 'keyId', problems);
  const tenant = requireString(body, 'tenant', problems);
  // A key's stream id is `<tenant>/<id>`: neither part may hold the separator.
  if (keyId.includes('/')) problems.push(`'keyId' must not contain '/'`);
  if (tenant.includes('/')) problems.push(`'tenant' must not contain '/'`);
  const version = requirePositiveInteger(body, 'version', problems);
  const position = requirePositiveInteger(body, 'position', problems);
  const occurredAt = requireString(body, 'occurredAt', problems);
  if (!problems.some((p) => p.startsWith("'occurredAt'")) && Number.isNaN(Date.parse(occurredAt)))
    problems.push(`'occurredAt' must be an ISO-8601 timestamp`);
  const correlationId = requireString(body, 'correlationId', problems);
  const schemaVersion = requirePositiveInteger(body, 'schemaVersion', problems);
  const actor = body.actor;
  if (!isRecord(actor) || typeof actor.type !== 'string' || typeof actor.id !== 'string')
    problems.push(`'actor' must be an object with string 'type' and 'id'`);
  const data = body.data;
  if (!isRecord(data)) problems.push(`'data' must be a JSON object`);
  if (problems.length > 0) throw new MalformedKeyEventError(where, problems);

  const checkedActor = actor as { type: string; id: string };
  return {
    eventId,
    type,
    keyId,
    tenant,
    version,
    position,
    occurredAt,
    actor: { type: checkedActor.type, id: checkedActor.id },
    correlationId,
    schemaVersion,
    data: data as Record<string, unknown>,
  };
}

/** The domain event of an envelope, upcast to the current schema version of its type. */
export function toRecordedKeyEvent(envelope: KafkaKeyEventEnvelope): RecordedKeyEvent {
  return upcastKeyEvent({
    eventId: envelope.eventId,
    streamId: keyStreamId(envelope.tenant, envelope.keyId),
    tenant: envelope.tenant,
    type: envelope.type,
    version: envelope.version,
    position: envelope.position,
    occurredAt: envelope.occurredAt,
    actor: envelope.actor,
    correlationId: envelope.correlationId,
    schemaVersion: envelope.schemaVersion,
    data: envelope.data,
  });
}
