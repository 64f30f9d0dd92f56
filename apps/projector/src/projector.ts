import { Redis } from 'ioredis';
import { PgSqlClient, PostgresEventStore } from '@keys/event-store';
import { KafkaProjectionConsumer, MessagingLogger } from '@keys/messaging';
import { KeyDetailsPgStore, KeyValidationPgStore, KeyVerificationsPgStore, RedisKeyValidationStore } from '@keys/projections';
import { RedisLimitStateRestorer } from '@keys/verification';
import { redisKeyspace } from '@key-service/verifier';
import { ProjectorConfig } from './projector.config';
import { DEFAULT_LIMITS_SETTLE_MS } from './projector.config';
import { RedisModelWatchdog } from './redis-model.watchdog';

/**
 * The distributed mode's projector: one consumer group member feeding the query model
 * (PostgreSQL), the validation model (Redis), verify's fallback copy of it (PostgreSQL, read
 * when Redis is down) and the verification analytics (PostgreSQL) from the key events topic; and rebuilds the Redis model from the event store
 * when Redis comes back empty.
 */
export class Projector {
  private constructor(
    private readonly sql: PgSqlClient,
    private readonly redis: Redis,
    readonly keyDetails: KeyDetailsPgStore,
    readonly keyValidation: RedisKeyValidationStore,
    readonly keyValidationFallback: KeyValidationPgStore,
    readonly keyVerifications: KeyVerificationsPgStore,
    readonly consumer: KafkaProjectionConsumer,
    readonly watchdog: RedisModelWatchdog,
  ) {}

  static async create(config: ProjectorConfig, logger: MessagingLogger): Promise<Projector> {
    const sql = new PgSqlClient({ connectionString: config.databaseUrl });
    const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const keyspace = redisKeyspace(config.redisKeyPrefix);
    try {
      await redis.connect();
      const keyDetails = new KeyDetailsPgStore(sql);
      await keyDetails.init();
      const keyValidation = new RedisKeyValidationStore(redis, { prefix: keyspace.validation });
      // Before the model is fed: views of the layout before tenant-scoped ids move to their stream id.
      const moved = await keyValidation.migrateViewKeys();
      if (moved > 0) logger.info('validation model in Redis: moved views to tenant-scoped keys', { views: moved });
      const keyValidationFallback = new KeyValidationPgStore(sql);
      await keyValidationFallback.init();
      const keyVerifications = new KeyVerificationsPgStore(sql);
      await keyVerifications.init();
      const consumer = new KafkaProjectionConsumer({
        brokers: config.kafkaBrokers,
        topic: config.kafkaTopic,
        groupId: config.kafkaGroupId,
        sinks: [keyDetails, keyValidation, keyValidationFallback, keyVerifications],
        logger,
      });
      const watchdog = new RedisModelWatchdog({
        store: new PostgresEventStore(sql),
        model: keyValidation,
        intervalMs: config.redisModelCheckMs,
        logger,
        limits: new RedisLimitStateRestorer(redis, keyspace.limits),
        limitsSettleMs: config.limitsSettleMs ?? DEFAULT_LIMITS_SETTLE_MS,
      });
      return new Projector(sql, redis, keyDetails, keyValidation, keyValidationFallback, keyVerifications, consumer, watchdog);
    } catch (error) {
      redis.disconnect();
      await sql.close();
      throw error;
    }
  }

  async start(): Promise<void> {
    await this.consumer.start();
    this.watchdog.start();
  }

  /** Finishes the batch in flight (its offsets are committed), then closes every connection. */
  async stop(): Promise<void> {
    await this.watchdog.stop();
    await this.consumer.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
    await this.sql.close();
  }
}

