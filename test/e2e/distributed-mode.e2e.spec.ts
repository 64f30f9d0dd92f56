import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentMessagingLogger } from '@keys/messaging';
import { RedisKeyValidationStore } from '@keys/projections';
import { redisKeyspace } from '@key-service/verifier';
import { Projector } from '../../apps/projector/src/projector';
import { waitUntil } from '../support/kafka-topic.collector';
import { createTestSchema, urlWithSchema } from '../support/postgres';
import { startTestApp, TestApp } from '../support/test-app';
import { recordUsageHistory } from '../support/usage-history';
import { SNAPSHOT_EVERY } from '../../apps/key-service/src/keys/key-snapshot';
import { UsageFlusher } from '../../apps/key-service/src/keys/using/usage-flusher.service';

jest.setTimeout(180_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const brokers = () => process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

type Code = 'VALID' | 'NOT_FOUND' | 'REVOKED' | 'DISABLED' | 'EXPIRED' | 'RATE_LIMITED' | 'USAGE_EXCEEDED' | 'INSUFFICIENT_ROLES';

/**
 * The distributed mode as deployed: two key-service replicas sharing PostgreSQL, Redis and a Kafka
 * topic, and a projector building their read models from that topic.
 */
describe('Distributed mode: two key-service instances, the projector, Kafka, Redis and PostgreSQL', () => {
  let drop: () => Promise<void>;
  let projector: Projector;
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  let projectorConfig: Parameters<typeof Projector.create>[0];
  const prefix = `test:distributed:${randomUUID()}:`;

  beforeAll(async () => {
    const schema = await createTestSchema('distributed');
    drop = schema.drop;
    const topic = `key-events-${randomUUID()}`;
    const env = {
      DATABASE_URL: urlWithSchema(schema.schema),
      REDIS_URL,
      KAFKA_BROKERS: brokers(),
      KAFKA_TOPIC: topic,
      REDIS_KEY_PREFIX: prefix,
      USAGE_WINDOW_SECONDS: '1',
    };
    // Both instances run a relay: they compete for one advisory lock, so exactly one publishes.
    a = await startTestApp(env);
    b = await startTestApp(env);
    projectorConfig = {
      databaseUrl: env.DATABASE_URL,
      kafkaBrokers: brokers().split(','),
      kafkaTopic: topic,
      kafkaGroupId: `projector-${topic}`,
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
      redisModelCheckMs: 5000,
    };
    projector = await Projector.create(projectorConfig, silentMessagingLogger);
    await projector.start();
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await projector?.stop();
    await a?.close();
    await b?.close();
    if (redis) {
      await new RedisKeyValidationStore(redis, { prefix: redisKeyspace(prefix).validation }).reset();
      redis.disconnect();
    }
    await drop?.();
  });

  const create = (svc: TestApp, body: Record<string, unknown>) => svc.request('POST', '/v1/keys', { body });
  const verify = async (svc: TestApp, key: string): Promise<{ code: Code; valid: boolean; remaining?: number }> => {
    const response = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key } });
    expect(response.status).toBe(200);
    return response.body;
  };
  /** Verifies until the instance's in-process cache surely holds the key. */
  const warm = async (svc: TestApp, key: string) => {
    for (let i = 0; i < 3; i++) expect((await verify(svc, key)).code).toBe('VALID');
  };

  it('creates on one instance and gets, lists and verifies on the other', async () => {
    const created = await create(a, { name: 'made on A', owner: 'team-x', roles: ['reader'] });
    expect(created.status).toBe(201);
    const onB = await b.request('GET', `/v1/keys/${created.body.id}`);
    expect(onB.status).toBe(200);
    const { key: _plaintext, ...record } = created.body;
    expect(onB.body).toEqual(record);
    const listed = await b.request('GET', '/v1/keys?owner=team-x');
    expect(listed.body.items.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect(await verify(b, created.body.key)).toMatchObject({ valid: true, code: 'VALID', keyId: created.body.id });
  });

  it('revokes, disables and rotates with immediate effect on the other instance, its cache warm', async () => {
    const revoked = (await create(a, { name: 'to revoke' })).body;
    const disabled = (await create(a, { name: 'to disable' })).body;
    const rotated = (await create(a, { name: 'to rotate' })).body;
    for (const k of [revoked, disabled, rotated]) await warm(b, k.key);

    expect((await a.request('POST', `/v1/keys/${revoked.id}/revoke`, { body: { reason: 'leaked' } })).status).toBe(200);
    expect((await verify(b, revoked.key)).code).toBe('REVOKED');

    expect((await a.request('POST', `/v1/keys/${disabled.id}/disable`, { body: {} })).status).toBe(200);
    expect((await verify(b, disabled.key)).code).toBe('DISABLED');
    expect((await b.request('POST', `/v1/keys/${disabled.id}/enable`, { body: {} })).status).toBe(200);
    expect((await verify(a, disabled.key)).code).toBe('VALID');

    const next = await a.request('POST', `/v1/keys/${rotated.id}/rotate`, { body: {} });
    expect(next.status).toBe(200);
    expect((await verify(b, rotated.key)).code).toBe('NOT_FOUND');
    expect((await verify(b, next.body.key)).code).toBe('VALID');
  });

  it('rotates and revokes a key with a long usage history from its snapshot, with effect on the other instance', async () => {
    const hot = (await create(a, { name: 'hot', roles: ['read'] })).body;
    const windows = 2 * SNAPSHOT_EVERY + 3;
    await recordUsageHistory(a, hot, windows, 4);
    await warm(b, hot.key);
    // B's usage window is a second, so its verifies become KeyUsed events (one or more) whenever
    // its timer fires: flushed here, they land before each command, and the stream's version is
    // read from the store rather than assumed.
    const settledVersion = async () => {
      // Whichever instance leads the usage flush, b's pooled counts are appended by the second.
      await b.app.get(UsageFlusher).flush();
      await a.app.get(UsageFlusher).flush();
      await b.app.get(UsageFlusher).flush();
      const history = await a.request('GET', `/v1/keys/${hot.id}/events?limit=500`);
      return (history.body.items as { version: number }[]).at(-1)!.version;
    };
    const beforeRotate = await settledVersion();
    const next = await a.request('POST', `/v1/keys/${hot.id}/rotate`, { body: { gracePeriodSeconds: 3600 } });
    expect(next.body).toMatchObject({ version: beforeRotate + 1, usageCount: windows * 4 + 3 });
    expect([(await verify(b, hot.key)).code, (await verify(b, next.body.key)).code]).toEqual(['VALID', 'VALID']);
    const beforeRevoke = await settledVersion();
    const revoked = await a.request('POST', `/v1/keys/${hot.id}/revoke`, { body: {} });
    expect(revoked.body).toMatchObject({ version: beforeRevoke + 1, usageCount: windows * 4 + 5, status: 'REVOKED' });
    // Refused verifies record no usage, so nothing follows the revoke in the stream.
    expect([(await verify(b, hot.key)).code, (await verify(b, next.body.key)).code]).toEqual(['NOT_FOUND', 'REVOKED']);
    // The projector folds every event it got from Kafka: the same key the command answered.
    await waitUntil(async () => (await b.request('GET', `/v1/keys/${hot.id}`)).body.version === revoked.body.version, 60_000, () => 'the projector to catch up');
    expect((await b.request('GET', `/v1/keys/${hot.id}`)).body).toEqual(revoked.body);
  });

  it('makes a revoke effective on every instance before the projector has seen it', async () => {
    const k = (await create(a, { name: 'revoked behind the projector' })).body;
    await warm(b, k.key);
    await projector.stop();
    try {
      expect((await a.request('POST', `/v1/keys/${k.id}/revoke`, { body: {} })).status).toBe(200);
      expect((await verify(b, k.key)).code).toBe('REVOKED');
      expect((await verify(a, k.key)).code).toBe('REVOKED');
      // The instance that made the change records how long it took to be in force everywhere.
      const metrics = (await a.request('GET', '/metrics', { key: null })).body as string;
      expect(metrics).toMatch(/key_change_effective_seconds_count\{change="KeyRevoked"\} [1-9]\d*/);
      // The command wrote the key's query-model row itself: the other instance reads it, no projector needed.
      expect((await b.request('GET', `/v1/keys/${k.id}`)).body.status).toBe('REVOKED');
    } finally {
      // A new projector process, as after a crash: it resumes from the group's committed offsets.
      projector = await Projector.create(projectorConfig, silentMessagingLogger);
      await projector.start();
    }
    expect((await b.request('GET', `/v1/keys/${k.id}`)).body.status).toBe('REVOKED');
  });

  it('admits exactly the quota and the rate limit across both instances under concurrent verifies', async () => {
    const metered = (await create(a, { name: 'metered', quota: { remaining: 25 } })).body;
    const limited = (await create(a, { name: 'limited', rateLimit: { limit: 15, durationMs: 60_000 } })).body;
    const burst = (key: string) => Promise.all(Array.from({ length: 80 }, (_, i) => verify(i % 2 ? a : b, key)));
    const [quotaCodes, rateCodes] = await Promise.all([burst(metered.key), burst(limited.key)]);
    const count = (codes: { code: Code }[], code: Code) => codes.filter((c) => c.code === code).length;
    expect([count(quotaCodes, 'VALID'), count(quotaCodes, 'USAGE_EXCEEDED')]).toEqual([25, 55]);
    expect([count(rateCodes, 'VALID'), count(rateCodes, 'RATE_LIMITED')]).toEqual([15, 65]);
  });

  it('records heavy use as a bounded number of coalesced KeyUsed events with every use counted', async () => {
    const k = (await create(a, { name: 'busy' })).body;
    const started = Date.now();
    let sent = 0;
    while (Date.now() - started < 2500) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => verify(i % 2 ? a : b, k.key)));
      sent += 50;
    }
    const windows = Math.ceil((Date.now() - started) / 1000) + 2;
    const usedEvents = async () =>
      ((await a.request('GET', `/v1/keys/${k.id}/events?limit=500`)).body.items as { type: string; data: { count: number } }[]).filter(
        (e) => e.type === 'KeyUsed',
      );
    await waitUntil(async () => (await usedEvents()).reduce((n, e) => n + e.data.count, 0) >= sent, 30_000, () => `usage of ${sent} verifies to be flushed`);
    const events = await usedEvents();
    expect(events.reduce((n, e) => n + e.data.count, 0)).toBe(sent);
    // At most one event per instance per usage window, however many verifies.
    expect(events.length).toBeLessThanOrEqual(2 * windows);
    expect(sent).toBeGreaterThan(events.length * 10);
    await waitUntil(async () => (await b.request('GET', `/v1/keys/${k.id}`)).body.lastUsedAt !== null, 30_000, () => 'lastUsedAt');
  });

  it('relays from exactly one instance and reports relay and projection lag on /health', async () => {
    await waitUntil(
      async () => {
        const [ha, hb] = await Promise.all([a.request('GET', '/health'), b.request('GET', '/health')]);
        return ha.body.details.relay.active !== hb.body.details.relay.active;
      },
      30_000,
      () => 'one relay leader',
    );
    const health = await a.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.details).toMatchObject({
      eventStore: { status: 'up', head: expect.any(Number) },
      projections: { status: 'up', lagEvents: expect.any(Number), lagMs: expect.any(Number) },
      relay: { status: 'up', lagEvents: expect.any(Number), lagMs: expect.any(Number) },
    });
  });
});
