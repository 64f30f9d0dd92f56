import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentMessagingLogger } from '@keys/messaging';
import { RedisLimitStateRestorer } from '@keys/verification';
import { redisKeyspace } from '@key-service/verifier';
import { Projector } from '../../apps/projector/src/projector';
import { waitUntil } from '../support/kafka-topic.collector';
import { createTestSchema, urlWithSchema } from '../support/postgres';
import { freePort } from '../support/free-port';
import { DedicatedRedis, startDedicatedRedis } from '../support/redis-server';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const brokers = () => process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const DAY = 86_400_000;

/**
 * A Redis that restarts without its data loses the rate-limit and quota counters with the
 * validation model. A spent quota must stay spent, and a rate window used up must stay used up:
 * the counters come back from the usage in the event log, and until they do a quota key is
 * refused (503), never admitted.
 */
describe('Limits after Redis restarts empty (distributed mode)', () => {
  let drop: () => Promise<void>;
  let redisServer: DedicatedRedis;
  let projector: Projector;
  let svc: TestApp;
  const prefix = 'keys:';

  beforeAll(async () => {
    const schema = await createTestSchema('redis_restart_limits');
    drop = schema.drop;
    redisServer = await startDedicatedRedis(await freePort());
    const topic = `key-events-${randomUUID()}`;
    const env = {
      DATABASE_URL: urlWithSchema(schema.schema),
      REDIS_URL: redisServer.url,
      KAFKA_BROKERS: brokers(),
      KAFKA_TOPIC: topic,
      // No timer flushes usage during the test: only the flush on losing Redis can put it in the log.
      USAGE_WINDOW_SECONDS: '3600',
      USAGE_QUOTA_WINDOW_SECONDS: '3600',
    };
    svc = await startTestApp(env);
    projector = await Projector.create(
      {
        databaseUrl: env.DATABASE_URL,
        kafkaBrokers: brokers().split(','),
        kafkaTopic: topic,
        kafkaGroupId: `projector-${topic}`,
        redisUrl: env.REDIS_URL,
        redisKeyPrefix: prefix,
        redisModelCheckMs: 200,
        limitsSettleMs: 500,
      },
      silentMessagingLogger,
    );
    await projector.start();
    await waitForRestoredLimits();
  });

  afterAll(async () => {
    await projector?.stop();
    await svc?.close();
    await redisServer?.kill();
    await drop?.();
  });

  async function waitForRestoredLimits(): Promise<void> {
    const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      const restorer = new RedisLimitStateRestorer(redis, redisKeyspace(prefix).limits);
      await waitUntil(() => restorer.isRestored().catch(() => false), 60_000, () => 'the limit counters to be restored');
    } finally {
      redis.disconnect();
    }
  }

  const create = async (body: Record<string, unknown>) => (await svc.request('POST', '/v1/keys', { body })).body;
  const verify = (key: string) => svc.request('POST', '/v1/keys/verify', { key: null, body: { key } });

  it('never admits more than the quota, nor a used-up rate window again, across the restart', async () => {
    const metered = await create({ name: 'metered', quota: { remaining: 10 } });
    const limited = await create({ name: 'limited', rateLimit: { limit: 5, durationMs: DAY } });
    const windowAtStart = Math.floor(Date.now() / DAY);
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) codes.push((await verify(metered.key)).body.code);
    expect(codes.filter((c) => c === 'VALID')).toHaveLength(10);
    expect(codes[10]).toBe('USAGE_EXCEEDED');
    const rateCodes: string[] = [];
    for (let i = 0; i < 6; i++) rateCodes.push((await verify(limited.key)).body.code);
    expect(rateCodes).toEqual(['VALID', 'VALID', 'VALID', 'VALID', 'VALID', 'RATE_LIMITED']);

    await redisServer.kill();
    await redisServer.start();

    // Clients keep calling while the projector rebuilds the model and the counters: whatever they
    // get (503 while the counters are not restored, NOT_FOUND while the model is not), it is never
    // VALID for the spent quota.
    let restored = false;
    const restoring = waitForRestoredLimits().then(() => (restored = true));
    let last = '';
    while (!(restored && last === 'USAGE_EXCEEDED')) {
      const answer = await verify(metered.key);
      if (answer.status === 200) expect(answer.body.code).not.toBe('VALID');
      else expect(answer.body).toMatchObject({ statusCode: 503, message: expect.stringContaining('unavailable') });
      last = answer.body.code ?? '';
      await new Promise((r) => setTimeout(r, 50));
    }
    await restoring;

    const after: string[] = [];
    for (let i = 0; i < 5; i++) after.push((await verify(metered.key)).body.code);
    expect(after).toEqual(Array(5).fill('USAGE_EXCEEDED'));
    // The instance flushed its usage the moment it lost Redis: the log holds every admitted verify
    // (read from the log itself; the query model's usageCount follows when the projector applies it).
    const history = (await svc.request('GET', `/v1/keys/${metered.id}/events?limit=500`)).body.items as { type: string; data: { count: number } }[];
    expect(history.filter((e) => e.type === 'KeyUsed').reduce((sum, e) => sum + e.data.count, 0)).toBe(10);

    // A day's window: only a test that runs across midnight UTC sees it end, legitimately.
    if (Math.floor(Date.now() / DAY) === windowAtStart) expect((await verify(limited.key)).body.code).toBe('RATE_LIMITED');

    // A key created after the restore starts in full.
    const fresh = await create({ name: 'fresh', quota: { remaining: 2 } });
    expect([(await verify(fresh.key)).body, (await verify(fresh.key)).body, (await verify(fresh.key)).body].map((b) => b.code)).toEqual([
      'VALID',
      'VALID',
      'USAGE_EXCEEDED',
    ]);
  });
});
