import { KeyCreated } from './creating/key-created.event';
import { KeyDisabled } from './disabling/key-disabled.event';
import { KeyEnabled } from './enabling/key-enabled.event';
import { KeyRevoked } from './revoking/key-revoked.event';
import { KeyRotated } from './rotating/key-rotated.event';
import { KeyUpdated } from './updating/key-updated.event';
import { KeyUsed } from './using/key-used.event';
import { Actor } from './actor';

/** Every event of an API key's stream, as the aggregate emits it. */
export type KeyEvent = KeyCreated | KeyUpdated | KeyUsed | KeyRevoked | KeyDisabled | KeyEnabled | KeyRotated;
export type KeyEventType = KeyEvent['type'];

export const KEY_EVENT_TYPES: readonly KeyEventType[] = [
  'KeyCreated',
  'KeyUpdated',
  'KeyUsed',
  'KeyRevoked',
  'KeyDisabled',
  'KeyEnabled',
  'KeyRotated',
];

/**
 * Current schema version of each event's data; bumped when a payload changes shape (see docs/events.md).
 * A type as well as a value, so a message's `schemaVersion` is typed by its `type` (KeyEventMessage).
 */
export interface KeyEventSchemaVersions {
  readonly KeyCreated: 3;
  readonly KeyUpdated: 2;
  readonly KeyUsed: 2;
  readonly KeyRevoked: 1;
  readonly KeyDisabled: 1;
  readonly KeyEnabled: 1;
  readonly KeyRotated: 1;
}

export const KEY_EVENT_SCHEMA_VERSION: Readonly<Record<KeyEventType, number>> & KeyEventSchemaVersions = {
  KeyCreated: 3,
  KeyUpdated: 2,
  KeyUsed: 2,
  KeyRevoked: 1,
  KeyDisabled: 1,
  KeyEnabled: 1,
  KeyRotated: 1,
};

/** An event as the event store recorded it: the domain event plus its envelope. */
export type RecordedKeyEvent<E extends KeyEvent = KeyEvent> = E & {
  readonly eventId: string;
  readonly keyId: string;
  readonly tenant: string;
  /** Position in the key's own stream, from 1. */
  readonly version: number;
  /** Position in the store's global order; unique and increasing within a stream. */
  readonly position: number;
  readonly occurredAt: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly schemaVersion: number;
};

export function isKeyEventType(type: string): type is KeyEventType {
  return (KEY_EVENT_TYPES as readonly string[]).includes(type);
}
