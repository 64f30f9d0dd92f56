import { Logger } from '@nestjs/common';
import { PgSqlClient, PostgresEventStore } from '@keys/event-store';
import { KafkaEventRelay, PgAdvisoryLeaderLock } from '@keys/messaging';
import { ImportedHashIndex, KeyCommandPgWriter, KeyDetailsPgStore, KeyValidationPgStore, KeyVerificationsPgStore, RedisKeyValidationStore } from '@keys/projections';
import { DistributedTopology } from '@keys/topology';
import { openRedisVerification, RedisVerification, redisKeyspace } from '@key-service/verifier';
import { DistributedReadModelSync } from '../keys/distributed-read-model.sync';
import { RedisUsageInbox } from '../keys/using/redis-usage.inbox';
import { KeyServiceRuntime } from './key-service.runtime';
import { nestMessagingLogger } from './nest-messaging.logger';

export interface DistributedRuntimeOptions {
  readonly verifyCacheTtlMs: number;
}

/**
 * A replica among any number: events and the query model in PostgreSQL, verify on Redis behind an
 * in-process cache with the PostgreSQL copy of the validation model as its fallback, commands
 * writing the key's validation view to both and its query-model row before they return, and the relay (one leader at a
 * time) carrying every event to Kafka for the projector, which builds the read models.
 */
export async function distributedRuntime(topology: DistributedTopology, options: DistributedRuntimeOptions): Promise<KeyServiceRuntime> {
  const logger = new Logger('DistributedRuntime');
  const sql = new PgSqlClient({ connectionString: topology.databaseUrl });
  const closeSql = () => sql.close().catch((e: unknown) => logger.warn(`Closing the store: ${String(e)}`));
  let verification: RedisVerification | undefined;
  try {
    const eventStore = new PostgresEventStore(sql);
    await eventStore.init();
    const queryStore = new KeyDetailsPgStore(sql);
    await queryStore.init();
    // Read here, written by the projector (the builder of record of every PostgreSQL read model).
    const verificationsStore = new KeyVerificationsPgStore(sql);
    await verificationsStore.init();
    const pgValidation = new KeyValidationPgStore(sql);
    await pgValidation.init();
    const keyspace = redisKeyspace(topology.redisKeyPrefix);
    const verifyLogger = new Logger('Verify');
    verification = await openRedisVerification({
      redisUrl: topology.redisUrl,
      keyspace,
      connectionName: 'key-service',
      cacheTtlMs: options.verifyCacheTtlMs,
      fallback: pgValidation,
      onFallback: (e) => verifyLogger.warn(`Redis unreachable, verifying from PostgreSQL: ${String(e)}`),
      onInvalidationTimeout: (streamId, acked, expected) =>
        new Logger('Invalidation').warn(`Only ${acked} of ${expected} instances confirmed dropping key ${streamId} from their cache`),
    });
    // Views stored before ids were scoped to tenants move to their stream id. The projector does
    // the same at its start; a Redis that is down now is left to it (verify falls back meanwhile).
    // The validation model in Redis, for this instance's commands to write to (verify reads it through `verification`).
    const redisValidation = new RedisKeyValidationStore(verification.redis, { prefix: keyspace.validation });
    await redisValidation
      .migrateViewKeys()
      .catch((error: unknown) => logger.warn(`Could not migrate the Redis validation model's keys: ${String(error)}`));
    const relay = new KafkaEventRelay({
      store: eventStore,
      sql,
      lockConnection: { connectionString: topology.databaseUrl },
      brokers: topology.kafka.brokers,
      topic: topology.kafka.topic,
      logger: nestMessagingLogger('Relay'),
    });
    const redis = verification;
    const usageInbox = new RedisUsageInbox(
      redis.redis,
      keyspace.usage,
      new PgAdvisoryLeaderLock({ connectionString: topology.databaseUrl, name: 'usage-flusher', applicationName: 'key-service usage flusher' }),
    );
    let reportedFallbacks = 0;
    // Every command's write of a view announces the key's records to all instances (this one
    // synchronously): an import on any instance is verifiable on every one before it returns. A
    // start loads what was imported before it; the subscription is up first, so nothing falls between.
    const importedHashes = new ImportedHashIndex();
    redis.bus.onInvalidate((_streamId, records) => importedHashes.note((records ?? []).map(([hash]) => hash)));
    return {
      kind: 'distributed',
      eventStore,
      queryStore,
      verificationsStore,
      validationLookup: redis.lookup,
      importedHashes,
      usageLimiter: redis.limiter,
      usageInbox,
      readModelSync: new DistributedReadModelSync({
        // Both stores' init above made the tables and functions it calls.
        pgWriter: new KeyCommandPgWriter(sql),
        redisValidation,
        bus: redis.bus,
      }),
      lagSources: [
        {
          collect: async (metrics) => {
            const lag = await relay.lag();
            metrics.relayLag.set(lag.events);
            metrics.relayLagSeconds.set(lag.ms / 1000);
          },
        },
        {
          collect: async (metrics) => {
            metrics.verifyFallbacks.inc(redis.fallbacks() - reportedFallbacks);
            reportedFallbacks = redis.fallbacks();
          },
        },
      ],
      relayStatus: {
        enabled: true,
        status: async () => {
          const lag = await relay.lag();
          return { active: relay.active, checkpoint: lag.checkpoint, lagEvents: lag.events, lagMs: lag.ms };
        },
      },
      async start() {
        importedHashes.note(await pgValidation.importedHashes());
        await relay.init();
        relay.start();
      },
      async stop() {
        await relay.stop().catch((e: unknown) => logger.warn(`Stopping the relay: ${String(e)}`));
        // After the usage flusher's last flush (Nest runs it before this), so a leader appends first.
        await usageInbox.close();
        await redis.close();
        await closeSql();
      },
    };
  } catch (error) {
    await verification?.close();
    await closeSql();
    throw error;
  }
}
