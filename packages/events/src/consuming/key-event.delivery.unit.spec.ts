import { randomUUID } from 'node:crypto';
import { KEY_EVENT_SCHEMA_VERSION, RecordedKeyEvent } from '../key-event';
import { KafkaKeyEventEnvelope } from '../key-event.envelope';
import { MalformedKeyEventError } from '../malformed-key-event.error';
import { KeyEventDelivery } from './key-event.delivery';

function message(version: number, type: string, data: Record<string, unknown>, overrides: Partial<KafkaKeyEventEnvelope> = {}): string {
  return JSON.stringify({
    eventId: randomUUID(),
    type,
    keyId: 'orders-bot',
    tenant: 'acme',
    version,
    position: 100 + version,
    occurredAt: '2030-01-01T00:00:00.000Z',
    actor: { type: 'root', id: 'root' },
    correlationId: 'c-1',
    schemaVersion: 1,
    data,
    ...overrides,
  });
}

const created = {
  keyId: 'orders-bot',
  tenant: 'acme',
  name: 'orders',
  description: null,
  hash: 'h',
  prefix: 'sk',
  start: 'sk_…a1B2',
  roles: ['orders:read'],
  owner: null,
  environment: null,
  expiresAt: null,
  annotations: {},
  rateLimit: null,
  quota: null,
};

describe('KeyEventDelivery', () => {
  let seen: RecordedKeyEvent[];
  let gaps: string[];
  let delivery: KeyEventDelivery;

  beforeEach(() => {
    seen = [];
    gaps = [];
    delivery = new KeyEventDelivery({ handle: (e) => void seen.push(e), onGap: (key, last, v) => gaps.push(`${key} ${last}→${v}`) });
  });

  it('hands over each version of a key once, upcast to the current schema version, and drops redeliveries', async () => {
    const first = message(1, 'KeyCreated', created);
    expect(await delivery.deliver(first)).toBe('applied');
    expect(await delivery.deliver(message(2, 'KeyRevoked', { reason: 'leaked' }))).toBe('applied');
    expect(await delivery.deliver(first)).toBe('redelivery');
    expect(await delivery.deliver(message(2, 'KeyRevoked', { reason: 'leaked' }))).toBe('redelivery');
    expect(seen.map((e) => [e.type, e.version, e.schemaVersion])).toEqual([
      ['KeyCreated', 1, KEY_EVENT_SCHEMA_VERSION.KeyCreated],
      ['KeyRevoked', 2, 1],
    ]);
    // KeyCreated v1 had no hashAlgorithm: the upcaster fills in what every such key was made with.
    expect(seen[0].type === 'KeyCreated' && seen[0].data.hashAlgorithm).toBe('hmac-sha256');
    expect(gaps).toEqual([]);
  });

  it('keeps two tenants\' keys of the same id apart', async () => {
    await delivery.deliver(message(1, 'KeyCreated', created));
    expect(await delivery.deliver(message(1, 'KeyCreated', { ...created, tenant: 'globex' }, { tenant: 'globex' }))).toBe('applied');
    expect(seen.map((e) => e.tenant)).toEqual(['acme', 'globex']);
  });

  it('refuses a message its schema file refuses, naming the violation, and applies nothing', async () => {
    const extra = message(1, 'KeyRevoked', { reason: 'x', plaintext: 'sk_live_1' });
    await expect(delivery.deliver(extra, 'topic/0@3')).rejects.toThrow(MalformedKeyEventError);
    await expect(delivery.deliver(extra, 'topic/0@3')).rejects.toThrow(/topic\/0@3.*\/data must NOT have additional properties \('plaintext'\)/);
    await expect(delivery.deliver(message(1, 'KeyRevoked', { reason: 'x' }, { eventId: 'not-a-uuid' }))).rejects.toThrow(/eventId must match format "uuid"/);
    expect(seen).toEqual([]);
  });

  it('refuses a schema version newer than the package knows rather than misread it', async () => {
    await expect(delivery.deliver(message(1, 'KeyRevoked', { reason: 'x' }, { schemaVersion: 9 }))).rejects.toThrow(/upgrade the package/);
  });

  it('skips a type it does not know, but counts its version, so the next event is no gap', async () => {
    await delivery.deliver(message(1, 'KeyCreated', created));
    expect(await delivery.deliver(message(2, 'KeyFrobbed', { x: 1 }))).toBe('unknown-type');
    expect(await delivery.deliver(message(3, 'KeyDisabled', { reason: null }))).toBe('applied');
    expect(seen.map((e) => e.type)).toEqual(['KeyCreated', 'KeyDisabled']);
    expect(gaps).toEqual([]);
  });

  it('reports a gap (a consumer that started mid-topic) and still delivers', async () => {
    expect(await delivery.deliver(message(4, 'KeyEnabled', { reason: null }))).toBe('applied');
    expect(gaps).toEqual(['acme/orders-bot 0→4']);
  });
});
