import { keyStreamId } from '@key-service/events';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { KeyValidationView, RedisKeyValidationStore, validationRecords } from '@keys/projections';
import { CachedValidationLookup, RedisInvalidationBus } from '@key-service/verifier';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const view = (keyId: string, version: number, changes: Partial<KeyValidationView> = {}): KeyValidationView => ({
  keyId,
  tenant: 'acme',
  name: 'ci',
  status: 'ACTIVE',
  roles: [],
  expiresAt: null,
  rateLimit: null,
  quota: null,
  quotaSetAt: null,
  hash: `current-${keyId}`,
  graceSecrets: [],
  version,
  ...changes,
});

/** Two service instances sharing one Redis: A makes changes, B verifies through its cache. */
describe('Redis invalidation bus with the verify cache (real Redis)', () => {
  const prefix = `test:bus:${randomUUID()}:`;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(REDIS_URL);
    connections.push(redis);
    return redis;
  };
  let store: RedisKeyValidationStore;
  let a: RedisInvalidationBus;
  let b: RedisInvalidationBus;
  let cacheB: CachedValidationLookup;

  beforeAll(async () => {
    store = new RedisKeyValidationStore(connect(), { prefix: `${prefix}validation:` });
    a = await RedisInvalidationBus.connect(connect(), connect(), { channel: `${prefix}invalidate` });
    b = await RedisInvalidationBus.connect(connect(), connect(), { channel: `${prefix}invalidate` });
    cacheB = new CachedValidationLookup(store);
    b.onInvalidate((streamId, records) => cacheB.invalidateKey(streamId, records));
  });

  afterAll(async () => {
    await store.reset();
    await Promise.all([a.close(), b.close()]);
    for (const redis of connections) redis.disconnect();
  });

  /** What a command does after its append: write the view and announce it in one script, then wait for the acks. */
  async function commit(changed: KeyValidationView): Promise<void> {
    const announcement = a.announce(keyStreamId(changed.tenant, changed.keyId), validationRecords(changed));
    await announcement.confirmed(await store.upsertView(changed, announcement));
  }

  it('refreshes a cached hash with the revoked record once the revoke returns, without reading Redis', async () => {
    const keyId = randomUUID();
    await commit(view(keyId, 1));
    expect((await cacheB.lookup(`current-${keyId}`))?.status).toBe('ACTIVE');

    await commit(view(keyId, 2, { status: 'REVOKED' }));
    const misses = cacheB.misses;
    expect(await cacheB.lookup(`current-${keyId}`)).toEqual(expect.objectContaining({ status: 'REVOKED', version: 2 }));
    expect(cacheB.misses).toBe(misses);
  });

  it('drops a cached hash that the change retired, so it is looked up again', async () => {
    const keyId = randomUUID();
    await commit(view(keyId, 1, { hash: `old-${keyId}` }));
    expect((await cacheB.lookup(`old-${keyId}`))?.status).toBe('ACTIVE');

    // A rotation without a grace period: the old secret leads nowhere any more.
    await commit(view(keyId, 2));
    const misses = cacheB.misses;
    expect(await cacheB.lookup(`old-${keyId}`)).toBeNull();
    expect(cacheB.misses).toBe(misses + 1);
  });

  it('never lets a late announcement of an older version replace a newer cached record', async () => {
    const keyId = randomUUID();
    await commit(view(keyId, 3, { status: 'DISABLED' }));
    expect((await cacheB.lookup(`current-${keyId}`))?.version).toBe(3);

    // An instance that decided on version 2 publishes after the one that wrote version 3.
    const late = a.announce(keyStreamId('acme', keyId), validationRecords(view(keyId, 2)));
    await late.confirmed(await store.upsertView(view(keyId, 2), late));
    expect(await cacheB.lookup(`current-${keyId}`)).toEqual(expect.objectContaining({ status: 'DISABLED', version: 3 }));
    expect((await store.lookup(`current-${keyId}`))?.version).toBe(3);
  });

  it('still drops the key when an announcement carries no records', async () => {
    const keyId = randomUUID();
    await commit(view(keyId, 1));
    expect((await cacheB.lookup(`current-${keyId}`))?.status).toBe('ACTIVE');
    await a.publish(keyStreamId('acme', keyId));
    const misses = cacheB.misses;
    await cacheB.lookup(`current-${keyId}`);
    expect(cacheB.misses).toBe(misses + 1);
  });

  it('waits for every instance, itself acknowledging its own message without a message on the ack channel', async () => {
    const acks: string[] = [];
    const listener = connect();
    listener.on('message', (_channel: string, nonce: string) => acks.push(nonce));
    await listener.subscribe(`${prefix}invalidate:ack`);
    const timeouts: number[] = [];
    const c = await RedisInvalidationBus.connect(connect(), connect(), { channel: `${prefix}invalidate`, onTimeout: (_s, acked) => timeouts.push(acked) });
    const seen: string[] = [];
    c.onInvalidate((streamId) => seen.push(streamId));
    // Three subscribers (a, b and c itself): c's own handler runs, a and b acknowledge over Redis.
    const started = Date.now();
    await c.publish('acme/own-ack');
    expect(timeouts).toEqual([]);
    expect(Date.now() - started).toBeLessThan(250);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(acks).toHaveLength(2);
    expect(seen.filter((s) => s === 'acme/own-ack').length).toBeGreaterThanOrEqual(1);
    await c.close();
  });
});
