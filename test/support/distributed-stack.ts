import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { PgSqlClient, PostgresEventStore } from '@keys/event-store';
import { silentMessagingLogger } from '@keys/messaging';
import { RedisLimitStateRestorer } from '@keys/verification';
import { redisKeyspace } from '@key-service/verifier';
import { Projector } from '../../apps/projector/src/projector';
import { loadProjectorConfig } from '../../apps/projector/src/projector.config';
import { waitUntil } from './kafka-topic.collector';
import { createTestSchema, urlWithSchema } from './postgres';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const brokers = () => process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

/** The distributed topology's shared parts for one test file: its own schema, topic and Redis namespace. */
export interface DistributedStack {
  /** What a key-service replica of this stack is started with (add your own on top). */
  readonly env: Readonly<Record<string, string>>;
  readonly redisKeyPrefix: string;
  readonly schema: string;
  /** A client on the stack's schema, for what a test sets up or checks directly. */
  readonly sql: PgSqlClient;
  /**
   * Starts the projector, as `npm run start:projector` would with `env`, and waits until it has
   * built the validation model and restored the limit counters (quota keys answer 503 until then).
   */
  startProjector(): Promise<Projector>;
  /** Stops the projectors it started, empties its Redis namespace and drops its schema. */
  stop(): Promise<void>;
}

export async function distributedStack(name: string, env: Record<string, string> = {}): Promise<DistributedStack> {
  const schema = await createTestSchema(name);
  const topic = `key-events-${randomUUID()}`;
  const redisKeyPrefix = `test:${name}:${randomUUID()}:`;
  const fullEnv = {
    DATABASE_URL: urlWithSchema(schema.schema),
    REDIS_URL: TEST_REDIS_URL,
    KAFKA_BROKERS: brokers(),
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `projector-${topic}`,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    // Nothing was buffered before the first start: no need to wait for usage to settle.
    LIMITS_RESTORE_SETTLE_MS: '1',
    ...env,
  };
  const projectors: Projector[] = [];
  return {
    env: fullEnv,
    redisKeyPrefix,
    schema: schema.schema,
    sql: schema.sql,
    async startProjector() {
      // The projector's first replay reads the event store, which a service may not have created yet.
      await new PostgresEventStore(schema.sql).init();
      const projector = await Projector.create(loadProjectorConfig(fullEnv), silentMessagingLogger);
      projectors.push(projector);
      await projector.start();
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const limits = new RedisLimitStateRestorer(redis, redisKeyspace(redisKeyPrefix).limits);
        await waitUntil(
          async () => (await projector.keyValidation.isBuilt()) && (await limits.isRestored()),
          60_000,
          () => 'the projector to build the model and restore the limits',
        );
      } finally {
        redis.disconnect();
      }
      return projector;
    },
    async stop() {
      for (const projector of projectors.splice(0)) await projector.stop();
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const keys = await redis.keys(`${redisKeyPrefix}*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      await schema.drop();
    },
  };
}
