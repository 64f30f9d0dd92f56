import { randomUUID } from 'node:crypto';
import { PgSqlClient, PostgresEventStore } from '@keys/event-store';
import { silentMessagingLogger } from '@keys/messaging';
import { generateSecret, redisKeyspace } from '@key-service/verifier';
import { Redis } from 'ioredis';
import { RedisKeyValidationStore } from '@keys/projections';
import { RedisLimitStateRestorer } from '@keys/verification';
import { Projector } from '../../apps/projector/src/projector';
import { waitUntil } from '../support/kafka-topic.collector';
import { replayReadModels } from '../../apps/projector/src/read-model.replay';
import { createTestSchema, urlWithSchema } from '../support/postgres';
import { freePort } from '../support/free-port';
import { DedicatedRedis, startDedicatedRedis } from '../support/redis-server';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const brokers = () => process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

/**
 * Redis is verify's model; PostgreSQL holds a copy for when Redis is gone. This file takes its own
 * Redis server down, as a crash would, and checks what verify answers meanwhile.
 */
describe('Verify while Redis is down (distributed mode)', () => {
  let drop: () => Promise<void>;
  let sql: PgSqlClient;
  let redisServer: DedicatedRedis;
  let projector: Projector;
  let svc: TestApp;
  const prefix = 'keys:';

  beforeAll(async () => {
    const schema = await createTestSchema('redis_outage');
    ({ drop, sql } = schema);
    redisServer = await startDedicatedRedis(await freePort());
    const topic = `key-events-${randomUUID()}`;
    const env = {
      DATABASE_URL: urlWithSchema(schema.schema),
      REDIS_URL: redisServer.url,
      KAFKA_BROKERS: brokers(),
      KAFKA_TOPIC: topic,
    };
    svc = await startTestApp(env);
    projector = await Projector.create(
      { databaseUrl: env.DATABASE_URL, kafkaBrokers: brokers().split(','), kafkaTopic: topic, kafkaGroupId: `projector-${topic}`, redisUrl: env.REDIS_URL, redisKeyPrefix: prefix, redisModelCheckMs: 5000, limitsSettleMs: 0 },
      silentMessagingLogger,
    );
    await projector.start();
    // A fresh Redis holds no limit counters until the projector has restored them (503 for quota keys until then).
    const redis = new Redis(redisServer.url);
    await waitUntil(() => new RedisLimitStateRestorer(redis, redisKeyspace(prefix).limits).isRestored(), 60_000, () => 'the limit counters to be restored');
    redis.disconnect();
  });

  afterAll(async () => {
    await projector?.stop();
    await svc?.close();
    await redisServer?.kill();
    await drop?.();
  });

  const create = async (body: Record<string, unknown>) => (await svc.request('POST', '/v1/keys', { body })).body;
  const verify = (key: string) => svc.request('POST', '/v1/keys/verify', { key: null, body: { key } });

  it('answers from PostgreSQL, refuses quota keys with 503, and never says VALID for a revoked key', async () => {
    const plain = await create({ name: 'plain' });
    const metered = await create({ name: 'metered', quota: { remaining: 100 } });
    const limited = await create({ name: 'limited', rateLimit: { limit: 100, durationMs: 60_000 } });
    const revokedDuringOutage = await create({ name: 'revoked while Redis is down' });
    for (const k of [plain, metered, limited, revokedDuringOutage]) expect((await verify(k.key)).body.code).toBe('VALID');

    await redisServer.kill();

    expect((await verify(plain.key)).body).toMatchObject({ valid: true, code: 'VALID', keyId: plain.id });
    expect((await verify(generateSecret('sk').plaintext)).body).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    // A quota needs the shared counter: without it nothing can decide, so no guess.
    const quota = await verify(metered.key);
    expect(quota.status).toBe(503);
    expect(quota.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringContaining('unavailable') });
    // A rate limit falls back to this instance's own counters.
    expect((await verify(limited.key)).body.code).toBe('VALID');

    expect((await svc.request('POST', `/v1/keys/${revokedDuringOutage.id}/revoke`, { body: {} })).status).toBe(200);
    expect((await verify(revokedDuringOutage.key)).body.code).toBe('REVOKED');
    expect((await svc.request('GET', '/metrics')).body).toMatch(/key_verify_fallbacks_total [1-9]/);
  });

  it('serves from Redis again once it is back and the validation model is replayed into it', async () => {
    const plain = await create({ name: 'before the crash' });
    await redisServer.kill();
    await redisServer.start();
    // This Redis keeps nothing on disk: it came back empty, and the replay command refills it.
    const redis = new Redis(redisServer.url);
    try {
      const reports = await replayReadModels(new PostgresEventStore(sql), [new RedisKeyValidationStore(redis, { prefix: redisKeyspace(prefix).validation })]);
      expect(reports[0].keys).toBeGreaterThanOrEqual(5);
    } finally {
      redis.disconnect();
    }
    // VALID alone could still come from the PostgreSQL fallback while this instance's connection
    // backs off before reconnecting (up to 2 s): wait for an answer Redis gave, with no fallback.
    const fallbacks = async () => Number(/key_verify_fallbacks_total (\d+)/.exec((await svc.request('GET', '/metrics')).body)?.[1] ?? 0);
    let fromRedis = false;
    for (let i = 0; i < 100 && !fromRedis; i++) {
      const before = await fallbacks();
      const answer = await verify(plain.key);
      fromRedis = answer.body.code === 'VALID' && (await fallbacks()) === before;
      if (!fromRedis) await new Promise((r) => setTimeout(r, 100));
    }
    expect(fromRedis).toBe(true);
    const after = await create({ name: 'after the crash' });
    expect((await verify(after.key)).body.code).toBe('VALID');
  });
});
