import { Actor } from './actor';
import { KeyEvent, KeyEventSchemaVersions, KeyEventType } from './key-event';

/**
 * The JSON value of a message on the key events topic for an event of type `T` written at its
 * current schema version: exactly what `schemas/<type>.v<N>.json` describes (the contract test
 * compares the two). A consumer narrows a `KeyEventMessage` by `type` to get a typed `data`.
 * Messages written under an older schema version are `KafkaKeyEventEnvelope`s until upcast.
 */
export type KeyEventMessage<T extends KeyEventType = KeyEventType> = T extends KeyEventType
  ? {
      readonly eventId: string;
      readonly type: T;
      /** The id the tenant chose: unique within `tenant` only. */
      readonly keyId: string;
      readonly tenant: string;
      /** Version of the event in its key's stream, from 1: the per-key dedupe and ordering key. */
      readonly version: number;
      /** Global position in the event store: increasing along a key's history, not across keys. */
      readonly position: number;
      readonly occurredAt: string;
      readonly actor: Actor;
      readonly correlationId: string;
      readonly schemaVersion: KeyEventSchemaVersions[T];
      readonly data: Extract<KeyEvent, { readonly type: T }>['data'];
    }
  : never;

// One name per type, for tools that take a type by name (the contract test's schema generator).
export type KeyCreatedMessage = KeyEventMessage<'KeyCreated'>;
export type KeyUpdatedMessage = KeyEventMessage<'KeyUpdated'>;
export type KeyUsedMessage = KeyEventMessage<'KeyUsed'>;
export type KeyRevokedMessage = KeyEventMessage<'KeyRevoked'>;
export type KeyDisabledMessage = KeyEventMessage<'KeyDisabled'>;
export type KeyEnabledMessage = KeyEventMessage<'KeyEnabled'>;
export type KeyRotatedMessage = KeyEventMessage<'KeyRotated'>;
