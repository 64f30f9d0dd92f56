import { isKeyEventType, KEY_EVENT_SCHEMA_VERSION, RecordedKeyEvent } from '../key-event';
import { KafkaKeyEventEnvelope, parseKeyEventEnvelope, toRecordedKeyEvent } from '../key-event.envelope';
import { keyStreamId } from '../key-stream-id';
import { MalformedKeyEventError } from '../malformed-key-event.error';
import { AppliedVersionStore, InMemoryAppliedVersions } from './applied-versions';
import { KeyEventValidator } from './key-event.validator';

/** Receives each event once, upcast to the current schema version of its type, in its key's order. */
export type KeyEventHandler = (event: RecordedKeyEvent, envelope: KafkaKeyEventEnvelope) => Promise<void> | void;

/**
 * What became of a message: `applied` (handed to the handler), `redelivery` (a version already
 * applied: dropped), `unknown-type` (a type this package does not know: skipped, but its version
 * counts as applied, so the key's next event is not taken for a gap).
 */
export type DeliveryOutcome = 'applied' | 'redelivery' | 'unknown-type';

export interface KeyEventDeliveryOptions {
  readonly handle: KeyEventHandler;
  /** Default: in memory, for state rebuilt from the topic at every start. */
  readonly versions?: AppliedVersionStore;
  /**
   * Called when a key's event arrives more than one version past the last applied (a consumer
   * that started mid-topic, or events lost upstream); the event is still delivered.
   */
  readonly onGap?: (streamId: string, lastApplied: number, version: number) => void;
  readonly validator?: KeyEventValidator;
}

/**
 * One message of the key events topic, from bytes to the handler: parsed against the envelope
 * contract, validated against the JSON Schema of its type and version, dropped when its key already
 * applied that version, upcast, handed over, then marked applied. Anything malformed throws a
 * MalformedKeyEventError rather than being skipped: a skipped KeyRevoked would leave a revoked key
 * standing in the consumer's state.
 */
export class KeyEventDelivery {
  private readonly versions: AppliedVersionStore;
  private readonly validator: KeyEventValidator;

  constructor(private readonly options: KeyEventDeliveryOptions) {
    this.versions = options.versions ?? new InMemoryAppliedVersions();
    this.validator = options.validator ?? new KeyEventValidator();
  }

  async deliver(value: Buffer | string | null | undefined, where = 'message'): Promise<DeliveryOutcome> {
    const envelope = parseKeyEventEnvelope(value, where);
    const streamId = keyStreamId(envelope.tenant, envelope.keyId);
    const last = (await this.versions.lastApplied(streamId)) ?? 0;
    if (envelope.version <= last) return 'redelivery';
    if (envelope.version > last + 1) this.options.onGap?.(streamId, last, envelope.version);
    if (!isKeyEventType(envelope.type)) {
      await this.versions.markApplied(streamId, envelope.version);
      return 'unknown-type';
    }
    const current = KEY_EVENT_SCHEMA_VERSION[envelope.type];
    if (envelope.schemaVersion > current)
      throw new MalformedKeyEventError(where, [
        `${envelope.type} schema version ${envelope.schemaVersion} is newer than this @key-service/events knows (${current}): upgrade the package`,
      ]);
    const violations = this.validator.violations(envelope.type, envelope.schemaVersion, envelope);
    if (violations === null) throw new MalformedKeyEventError(where, [`no schema for ${envelope.type} schema version ${envelope.schemaVersion}`]);
    if (violations.length > 0) throw new MalformedKeyEventError(where, violations);
    await this.options.handle(toRecordedKeyEvent(envelope), envelope);
    await this.versions.markApplied(streamId, envelope.version);
    return 'applied';
  }
}
