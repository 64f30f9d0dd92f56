import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { keyStreamId, RecordedKeyEvent, upcastKeyEvent } from '@key-service/events';
import { foldKeyEvents } from '../key-projection';
import { keyValidationProjection } from './key-validation.projection';
import { RedisKeyValidationStore } from './redis-key-validation.store';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One key's history: created, a few usages, rotated with a grace period, revoked. */
function history(keyId: string): RecordedKeyEvent[] {
  const at = (i: number) => new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString();
  const raw: Array<[string, Record<string, unknown>]> = [
    ['KeyCreated', { keyId, tenant: 'acme', name: 'ci', description: null, hash: `h1-${keyId}`, prefix: 'sk', start: 'sk_…abcd',
      roles: ['reader'], owner: null, environment: null, expiresAt: null, annotations: {}, rateLimit: null, quota: null }],
    ['KeyUsed', { count: 3, firstUsedAt: at(1), lastUsedAt: at(1) }],
    ['KeyUpdated', { roles: ['reader', 'writer'] }],
    ['KeyRotated', { hash: `h2-${keyId}`, prefix: 'sk', start: 'sk_…efgh', previousHash: `h1-${keyId}`, previousValidUntil: '2031-01-01T00:00:00.000Z' }],
    ['KeyUsed', { count: 1, firstUsedAt: at(5), lastUsedAt: at(5) }],
    ['KeyRevoked', { reason: 'leaked' }],
  ];
  return raw.map(([type, data], i) =>
    upcastKeyEvent({ eventId: randomUUID(), streamId: keyStreamId('acme', keyId), tenant: 'acme', type, version: i + 1, position: i + 1, occurredAt: at(i),
      actor: { type: 'root', id: 'root' }, correlationId: randomUUID(), schemaVersion: 1, data }),
  );
}

describe('Redis key validation store', () => {
  let redis: Redis;
  const prefix = `test:validation:${randomUUID()}:`;
  let store: RedisKeyValidationStore;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    store = new RedisKeyValidationStore(redis, { prefix });
  });

  afterAll(async () => {
    await store.reset();
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
    redis.disconnect();
  });

  it('answers a lookup by hash with the record verify needs, and drops hashes a change retires', async () => {
    const keyId = randomUUID();
    const events = history(keyId);
    await store.handle(events.slice(0, 4), 4);
    expect(await store.lookup(`h2-${keyId}`)).toEqual(expect.objectContaining({ keyId, status: 'ACTIVE', roles: ['reader', 'writer'], validUntil: null, version: 4 }));
    expect(await store.lookup(`h1-${keyId}`)).toEqual(expect.objectContaining({ validUntil: '2031-01-01T00:00:00.000Z' }));
    expect(await store.checkpoint()).toBe(4);

    await store.handle(events.slice(4));
    // Revocation ends the grace secret: the old hash no longer leads anywhere; the current one says REVOKED.
    expect(await store.lookup(`h1-${keyId}`)).toBeNull();
    expect(await store.lookup(`h2-${keyId}`)).toEqual(expect.objectContaining({ status: 'REVOKED', version: 6 }));
  });

  it('changes nothing on a redelivered or stale event', async () => {
    const keyId = randomUUID();
    const events = history(keyId);
    await store.handle(events);
    const before = await store.dump();
    await store.handle(events.slice(0, 3));
    await store.handle(events);
    expect(await store.dump()).toEqual(before);
    expect((await store.view(keyStreamId('acme', keyId)))?.version).toBe(6);
  });

  it('never moves a key back when projectors race on it with different batches', async () => {
    const keys = Array.from({ length: 5 }, () => randomUUID());
    const histories = keys.map(history);
    const otherRedis = new Redis(REDIS_URL);
    const other = new RedisKeyValidationStore(otherRedis, { prefix });
    try {
      // One projector applies event by event, the other in overlapping chunks, all at once.
      await Promise.all([
        ...histories.map(async (h) => {
          for (const e of h) await store.handle([e]);
        }),
        ...histories.map(async (h) => {
          await other.handle(h.slice(0, 2));
          await other.handle(h.slice(0, 5));
          await other.handle(h);
        }),
      ]);
      for (const keyId of keys) {
        expect((await store.view(keyStreamId('acme', keyId)))?.version).toBe(6);
        expect(await store.lookup(`h1-${keyId}`)).toBeNull();
        expect((await store.lookup(`h2-${keyId}`))?.status).toBe('REVOKED');
      }
    } finally {
      otherRedis.disconnect();
    }
  });

  it('publishes the announcement of a command after its write, and also when the write is skipped as stale', async () => {
    const keyId = randomUUID();
    const events = history(keyId);
    const channel = `${prefix}announcements`;
    const subscriber = new Redis(REDIS_URL);
    const seen: Array<{ message: string; statusThen: string | undefined }> = [];
    subscriber.on('message', (_channel: string, message: string) => {
      // What a subscriber reads on hearing the message: the write must already be there.
      void store.lookup(`h2-${keyId}`).then((r) => seen.push({ message, statusThen: r?.status }));
    });
    try {
      await subscriber.subscribe(channel);
      const revoked = foldKeyEvents(keyValidationProjection, null, events).document!;
      expect(await store.upsertView(revoked, { channel, message: 'revoked' })).toBe(1);
      const stale = foldKeyEvents(keyValidationProjection, null, events.slice(0, 4)).document!;
      expect(await store.upsertView(stale, { channel, message: 'stale' })).toBe(1);
      // Without an announcement nothing is published.
      expect(await store.upsertView(revoked)).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual([
        { message: 'revoked', statusThen: 'REVOKED' },
        { message: 'stale', statusThen: 'REVOKED' },
      ]);
    } finally {
      subscriber.disconnect();
    }
  });

  it('empties only its own namespace on reset', async () => {
    const neighbour = `test:neighbour:${randomUUID()}`;
    await redis.set(neighbour, 'kept');
    try {
      await store.handle(history(randomUUID()), 6);
      await store.reset();
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
      expect(await store.checkpoint()).toBe(0);
      expect(await redis.get(neighbour)).toBe('kept');
    } finally {
      await redis.del(neighbour);
    }
  });
});
