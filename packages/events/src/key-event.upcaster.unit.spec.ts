import { KeyEventEnvelope, upcastKeyEvent } from './key-event.upcaster';

const envelope = (schemaVersion: number, data: Record<string, unknown>): KeyEventEnvelope => ({
  eventId: 'e',
  streamId: 'acme/k1',
  tenant: 'acme',
  type: 'KeyUsed',
  version: 2,
  position: 7,
  occurredAt: '2026-01-01T00:02:00.000Z',
  actor: { type: 'system', id: 'key-service' },
  correlationId: 'c',
  schemaVersion,
  data,
});

describe('upcasting KeyUsed', () => {
  it('reads a v1 event as v2: its successes are VALID outcomes in the minute of lastUsedAt', () => {
    const event = upcastKeyEvent(envelope(1, { count: 7, firstUsedAt: '2026-01-01T00:00:58.000Z', lastUsedAt: '2026-01-01T00:01:03.500Z' }));
    expect(event.schemaVersion).toBe(2);
    expect(event.data).toEqual({
      count: 7,
      firstUsedAt: '2026-01-01T00:00:58.000Z',
      lastUsedAt: '2026-01-01T00:01:03.500Z',
      outcomes: [{ minute: '2026-01-01T00:01:00.000Z', counts: { VALID: 7 } }],
    });
  });

  it('leaves a v2 event as it was stored', () => {
    const data = { count: 0, firstUsedAt: null, lastUsedAt: null, outcomes: [{ minute: '2026-01-01T00:01:00.000Z', counts: { REVOKED: 3 } }] };
    expect(upcastKeyEvent(envelope(2, data)).data).toEqual(data);
  });
});
