import { randomUUID } from 'node:crypto';
import { KeyEventEnvelope as StoredEvent } from './key-event.upcaster';
import { envelopeFromStoredEvent, parseKeyEventEnvelope, toKafkaMessage, toRecordedKeyEvent } from './key-event.envelope';
import { MalformedKeyEventError } from './malformed-key-event.error';

const stored: StoredEvent = {
  eventId: randomUUID(),
  streamId: 'acme/key-1',
  tenant: 'acme',
  type: 'KeyRevoked',
  version: 3,
  position: 42,
  occurredAt: '2030-01-01T00:00:00.000Z',
  actor: { type: 'root', id: 'root' },
  correlationId: 'c-1',
  schemaVersion: 1,
  data: { reason: 'leaked' },
};

describe('key event envelope', () => {
  it('round-trips a stored event through a Kafka message keyed by the key\'s stream id, with type and schema headers', () => {
    const message = toKafkaMessage(envelopeFromStoredEvent(stored));
    // The tenant's id in the envelope; the message key names tenant and id, as ids are unique per tenant only.
    expect(message.key).toBe('acme/key-1');
    expect(message.headers).toEqual({ 'event-type': 'KeyRevoked', 'schema-version': '1' });
    const parsed = parseKeyEventEnvelope(Buffer.from(message.value));
    expect(parsed).toEqual({ ...stored, streamId: undefined, keyId: 'key-1' });
    expect(toRecordedKeyEvent(parsed)).toEqual(expect.objectContaining({ keyId: 'key-1', type: 'KeyRevoked', version: 3, data: { reason: 'leaked' } }));
  });

  it('reads a stream id of the shape before tenant-scoped ids as the key id itself', () => {
    const legacy = envelopeFromStoredEvent({ ...stored, streamId: 'key-1' });
    expect(legacy.keyId).toBe('key-1');
    expect(toKafkaMessage(legacy).key).toBe('acme/key-1');
  });

  it('refuses a key id or tenant holding the stream id separator', () => {
    const value = JSON.stringify({ ...envelopeFromStoredEvent(stored), keyId: 'a/b', tenant: 'x/y' });
    expect(() => parseKeyEventEnvelope(value)).toThrow(MalformedKeyEventError);
    expect(() => parseKeyEventEnvelope(value)).toThrow(/'keyId' must not contain '\/'.*'tenant' must not contain '\/'/s);
  });

  it('rejects a malformed message, naming every problem', () => {
    expect(() => parseKeyEventEnvelope(null)).toThrow(MalformedKeyEventError);
    expect(() => parseKeyEventEnvelope('not json')).toThrow(/not JSON/);
    const bad = JSON.stringify({ ...envelopeFromStoredEvent(stored), version: 0, actor: 'root', data: [] });
    expect(() => parseKeyEventEnvelope(bad, 'topic/0@7')).toThrow(
      "Malformed key event at topic/0@7: 'version' must be an integer >= 1; 'actor' must be an object with string 'type' and 'id'; 'data' must be a JSON object",
    );
  });

  it('refuses to publish a payload that could carry a plaintext secret', () => {
    expect(() => envelopeFromStoredEvent({ ...stored, data: { secret: 'sk_live' } })).toThrow(/plaintext/);
  });
});
