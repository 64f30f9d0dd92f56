import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DynamicModule, Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional, Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { EVENT_STORE, PgliteSqlClient, PgSqlClient, PostgresEventStore, SqlClient } from '@keys/event-store';
import { KafkaEventRelay } from '@keys/messaging';
import {
  InMemoryKeyValidationStore,
  KEY_VALIDATION_STORE,
  KeyDetailsPgStore,
  KeyValidationPgStore,
  KeyVerificationsPgStore,
  KeyValidationStore,
  PositionFeedRunner,
  ProjectionSink,
  RedisKeyValidationStore,
} from '@keys/projections';
import {
  CachedValidationLookup,
  FallbackUsageLimiter,
  FallbackValidationLookup,
  InMemoryUsageLimiter,
  RedisInvalidationBus,
  RedisLimitStateRestorer,
  RedisUsageLimiter,
  RedisUsageQueue,
  UsageLimiter,
  ValidationLookup,
} from '@keys/verification';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { READ_MODEL_SYNC, ReadModelSync } from '../keys/read-model-sync.port';
import { LAG_SOURCES, LagSource } from '../metrics/lag-source';
import { DistributedReadModelSync } from './distributed-read-model.sync';
import { InProcessReadModelSync } from './in-process-read-model.sync';
import { nestMessagingLogger } from './nest-messaging.logger';
import { connectRedis } from './redis.connection';
import {
  INVALIDATION_BUS,
  KAFKA_RELAY,
  PG_VALIDATION_STORE,
  POSITION_FEED,
  REDIS,
  REDIS_SUBSCRIBER,
  SQL_CLIENT,
  USAGE_LIMITER,
  USAGE_QUEUE,
  VALIDATION_LOOKUP,
  VERIFY_FALLBACK,
} from './tokens';

class PersistenceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Persistence');

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Optional() @Inject(POSITION_FEED) private readonly feed: PositionFeedRunner | null,
    @Optional() @Inject(KAFKA_RELAY) private readonly relay: KafkaEventRelay | null,
    @Optional() @Inject(INVALIDATION_BUS) private readonly bus: RedisInvalidationBus | null,
    @Optional() @Inject(REDIS) private readonly redis: Redis | null,
    @Optional() @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KEY_VALIDATION_STORE) private readonly validation: KeyValidationStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.feed) {
      // Serve nothing until the in-process read models have caught up with the store.
      await this.feed.catchUp();
      this.feed.start();
      await this.restoreLimitsWithoutProjector();
    }
    if (this.relay) {
      await this.relay.init();
      this.relay.start();
    }
  }

  /**
   * Redis without the projector (no Kafka): no watchdog restores the limit counters, so this
   * instance does it at start, from the model its feed has just brought up to date (the usage of
   * its previous run was flushed at shutdown). Without it, keys with a quota would answer 503.
   */
  private async restoreLimitsWithoutProjector(): Promise<void> {
    if (!this.redis || !(this.validation instanceof RedisKeyValidationStore)) return;
    const restorer = new RedisLimitStateRestorer(this.redis, `${this.config.redisKeyPrefix}limits:`);
    if (await restorer.isRestored()) return;
    const token = randomUUID();
    await restorer.begin(token);
    await restorer.seed(this.validation.views());
    await restorer.finish(token);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop().catch((e: unknown) => this.logger.warn(`Stopping the relay: ${String(e)}`));
    await this.feed?.stop();
    await this.bus?.close();
    this.subscriber?.disconnect();
    await this.redis?.quit().catch(() => this.redis?.disconnect());
    await this.sql.close().catch((e: unknown) => this.logger.warn(`Closing the store: ${String(e)}`));
  }
}

const initialized = async <T extends { init(): Promise<void> }>(store: T): Promise<T> => {
  await store.init();
  return store;
};

const whenRedis = <T>(config: AppConfig, make: () => T | Promise<T>): T | Promise<T> | null => (config.redisUrl ? make() : null);

const providers: Provider[] = [
  {
    provide: SQL_CLIENT,
    inject: [APP_CONFIG],
    useFactory: async (config: AppConfig): Promise<SqlClient> =>
      config.databaseUrl ? new PgSqlClient({ connectionString: config.databaseUrl }) : PgliteSqlClient.open(join(config.dataDir, 'pglite')),
  },
  {
    provide: EVENT_STORE,
    inject: [SQL_CLIENT],
    useFactory: (sql: SqlClient) => initialized(new PostgresEventStore(sql)),
  },
  {
    provide: KeyDetailsPgStore,
    inject: [SQL_CLIENT],
    useFactory: (sql: SqlClient) => initialized(new KeyDetailsPgStore(sql)),
  },
  {
    // Both modes: in-process feed when embedded, the projector when distributed.
    provide: KeyVerificationsPgStore,
    inject: [SQL_CLIENT],
    useFactory: (sql: SqlClient) => initialized(new KeyVerificationsPgStore(sql)),
  },
  {
    // Verify's fallback when Redis is down: only worth keeping when Redis is the primary model.
    provide: PG_VALIDATION_STORE,
    inject: [APP_CONFIG, SQL_CLIENT],
    useFactory: (config: AppConfig, sql: SqlClient) => whenRedis(config, () => initialized(new KeyValidationPgStore(sql))),
  },
  { provide: REDIS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => whenRedis(config, () => connectRedis(config.redisUrl!, 'key-service')) },
  {
    provide: REDIS_SUBSCRIBER,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => whenRedis(config, () => connectRedis(config.redisUrl!, 'key-service-invalidations', { subscriber: true })),
  },
  {
    provide: INVALIDATION_BUS,
    inject: [APP_CONFIG, REDIS, REDIS_SUBSCRIBER],
    useFactory: (config: AppConfig, redis: Redis | null, subscriber: Redis | null) =>
      redis && subscriber
        ? RedisInvalidationBus.connect(redis, subscriber, {
            channel: `${config.redisKeyPrefix}invalidate`,
            onTimeout: (streamId, acked, expected) =>
              new Logger('Invalidation').warn(`Only ${acked} of ${expected} instances confirmed dropping key ${streamId} from their cache`),
          })
        : null,
  },
  {
    provide: KEY_VALIDATION_STORE,
    inject: [APP_CONFIG, REDIS],
    useFactory: async (config: AppConfig, redis: Redis | null): Promise<KeyValidationStore> => {
      if (!redis) return new InMemoryKeyValidationStore();
      const store = new RedisKeyValidationStore(redis, { prefix: `${config.redisKeyPrefix}validation:` });
      // Views stored before ids were scoped to tenants move to their stream id. The projector does
      // the same at its start; a Redis that is down now is left to it (verify falls back meanwhile).
      await store
        .migrateViewKeys()
        .catch((error: unknown) => new Logger('Persistence').warn(`Could not migrate the Redis validation model's keys: ${String(error)}`));
      return store;
    },
  },
  {
    provide: VERIFY_FALLBACK,
    inject: [KEY_VALIDATION_STORE, PG_VALIDATION_STORE],
    useFactory: (store: KeyValidationStore, fallback: KeyValidationPgStore | null) => {
      if (!fallback) return null;
      const logger = new Logger('Verify');
      return new FallbackValidationLookup(store, fallback, (e) => logger.warn(`Redis unreachable, verifying from PostgreSQL: ${String(e)}`));
    },
  },
  {
    provide: VALIDATION_LOOKUP,
    inject: [APP_CONFIG, KEY_VALIDATION_STORE, VERIFY_FALLBACK, INVALIDATION_BUS, REDIS_SUBSCRIBER],
    useFactory: (
      config: AppConfig,
      store: KeyValidationStore,
      primary: FallbackValidationLookup | null,
      bus: RedisInvalidationBus | null,
      subscriber: Redis | null,
    ): ValidationLookup => {
      if (!primary || !bus || !subscriber) return store;
      const cache = new CachedValidationLookup(primary, { ttlMs: config.verifyCacheTtlMs });
      bus.onInvalidate((streamId, records) => cache.invalidateKey(streamId, records));
      subscriber.on('ready', () => cache.setEnabled(true));
      for (const event of ['close', 'reconnecting', 'end']) subscriber.on(event, () => cache.setEnabled(false));
      return cache;
    },
  },
  {
    provide: USAGE_LIMITER,
    inject: [APP_CONFIG, REDIS],
    useFactory: (config: AppConfig, redis: Redis | null): UsageLimiter =>
      redis ? new FallbackUsageLimiter(new RedisUsageLimiter(redis, `${config.redisKeyPrefix}limits:`)) : new InMemoryUsageLimiter(),
  },
  {
    provide: USAGE_QUEUE,
    inject: [APP_CONFIG, REDIS],
    useFactory: (config: AppConfig, redis: Redis | null) => (redis ? new RedisUsageQueue(redis, `${config.redisKeyPrefix}usage:`) : null),
  },
  {
    provide: POSITION_FEED,
    inject: [APP_CONFIG, EVENT_STORE, KeyDetailsPgStore, KEY_VALIDATION_STORE, PG_VALIDATION_STORE, KeyVerificationsPgStore],
    useFactory: (
      config: AppConfig,
      store: PostgresEventStore,
      details: KeyDetailsPgStore,
      validation: KeyValidationStore,
      pgValidation: KeyValidationPgStore | null,
      verifications: KeyVerificationsPgStore,
    ) => {
      if (config.projectionFeed !== 'in-process') return null;
      const sinks: ProjectionSink[] = [details, validation, ...(pgValidation ? [pgValidation] : []), verifications];
      return new PositionFeedRunner(store, sinks, {
        onError: (sink, error) => new Logger('Projections').error(`Projection ${sink} failed: ${String(error)}`),
      });
    },
  },
  {
    provide: KAFKA_RELAY,
    inject: [APP_CONFIG, EVENT_STORE, SQL_CLIENT],
    useFactory: (config: AppConfig, store: PostgresEventStore, sql: SqlClient) =>
      config.projectionFeed === 'kafka' && config.databaseUrl
        ? new KafkaEventRelay({
            store,
            sql,
            lockConnection: { connectionString: config.databaseUrl },
            brokers: config.kafkaBrokers,
            topic: config.kafkaTopic,
            logger: nestMessagingLogger('Relay'),
          })
        : null,
  },
  {
    provide: READ_MODEL_SYNC,
    inject: [APP_CONFIG, KeyDetailsPgStore, KEY_VALIDATION_STORE, PG_VALIDATION_STORE, INVALIDATION_BUS, POSITION_FEED],
    useFactory: (
      config: AppConfig,
      details: KeyDetailsPgStore,
      validation: KeyValidationStore,
      pgValidation: KeyValidationPgStore | null,
      bus: RedisInvalidationBus | null,
      feed: PositionFeedRunner | null,
    ): ReadModelSync => {
      if (feed) return new InProcessReadModelSync(feed, bus);
      if (!bus || !pgValidation || !(validation instanceof RedisKeyValidationStore))
        throw new Error('The Kafka projection feed needs DATABASE_URL and REDIS_URL');
      return new DistributedReadModelSync({
        details,
        redisValidation: validation,
        pgValidation,
        bus,
        readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
      });
    },
  },
  {
    provide: LAG_SOURCES,
    inject: [KAFKA_RELAY, VERIFY_FALLBACK],
    useFactory: (relay: KafkaEventRelay | null, fallback: FallbackValidationLookup | null): LagSource[] => {
      const sources: LagSource[] = [];
      if (relay)
        sources.push({
          collect: async (metrics) => {
            const lag = await relay.lag();
            metrics.relayLag.set(lag.events);
            metrics.relayLagSeconds.set(lag.ms / 1000);
          },
        });
      if (fallback) {
        let reported = 0;
        sources.push({
          collect: async (metrics) => {
            metrics.verifyFallbacks.inc(fallback.fallbacks - reported);
            reported = fallback.fallbacks;
          },
        });
      }
      return sources;
    },
  },
  PersistenceLifecycle,
];

/**
 * The event store, the read models, the feeds between them and verify's sources, chosen by
 * configuration alone (docs/architecture.md, "Modes"): PGlite and in-process everything unless
 * DATABASE_URL, REDIS_URL and KAFKA_BROKERS say otherwise.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      providers,
      exports: [
        SQL_CLIENT,
        EVENT_STORE,
        REDIS,
        KeyDetailsPgStore,
        KeyVerificationsPgStore,
        KEY_VALIDATION_STORE,
        PG_VALIDATION_STORE,
        VALIDATION_LOOKUP,
        USAGE_LIMITER,
        USAGE_QUEUE,
        POSITION_FEED,
        KAFKA_RELAY,
        INVALIDATION_BUS,
        READ_MODEL_SYNC,
        LAG_SOURCES,
      ],
    };
  }
}
