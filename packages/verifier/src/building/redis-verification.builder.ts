import type { Redis } from 'ioredis';
import { CachedValidationLookup } from '../caching/cached-validation.lookup';
import { RedisInvalidationBus } from '../caching/redis-invalidation.bus';
import { FallbackUsageLimiter } from '../limiting/fallback-usage.limiter';
import { RedisUsageLimiter } from '../limiting/redis-usage.limiter';
import { UsageLimiter } from '../limiting/usage-limiter.port';
import { RedisKeyspace } from '../redis-keyspace';
import { connectRedis } from '../redis.connection';
import { RedisValidationReader } from '../validation/redis-validation.reader';
import { FallbackValidationLookup } from '../verifying/fallback-validation.lookup';
import { ValidationLookup } from '../verifying/validation-lookup.port';

export interface RedisVerificationOptions {
  readonly redisUrl: string;
  readonly keyspace: RedisKeyspace;
  /** Names the two connections in CLIENT LIST: `<name>` and `<name>-invalidations`. */
  readonly connectionName: string;
  /** Longest an in-process cache hit is trusted without word from the bus; 0 keeps nothing. */
  readonly cacheTtlMs?: number;
  /**
   * Read when Redis cannot answer: the PostgreSQL copy of the same model (KeyValidationPgStore).
   * Without it, verify answers "unavailable" (503) while Redis is down, never a guess.
   */
  readonly fallback?: ValidationLookup;
  readonly onFallback?: (error: unknown) => void;
  readonly onInvalidationTimeout?: (streamId: string, acked: number, expected: number) => void;
}

/** Verify's sources over Redis, and what they are made of for those who write beside them. */
export interface RedisVerification {
  readonly redis: Redis;
  /** The invalidation bus's own connection; while it is not ready the cache is off. */
  readonly subscriber: Redis;
  readonly keyspace: RedisKeyspace;
  readonly bus: RedisInvalidationBus;
  /** cache → Redis → fallback: what verify reads. */
  readonly lookup: ValidationLookup;
  /** How many lookups Redis could not answer (a metric). */
  fallbacks(): number;
  /** Redis counters; this instance's own rate counters and a 503 for quotas while they are unreachable. */
  readonly limiter: UsageLimiter;
  close(): Promise<void>;
}

const noFallback: ValidationLookup = {
  lookup: () => Promise.reject(new Error('no fallback configured')),
};

/**
 * The one way verify's chain over Redis is built, by the key service and by every service that
 * mounts ApiKeyGuard, so both have the same three protections: a lookup that falls back when Redis
 * cannot answer, a limiter that degrades without ever over-admitting a quota, and an in-process
 * cache that is off (and empty) whenever the invalidation subscriber is not connected, since an
 * entry could then outlive a revoke made elsewhere.
 */
export async function openRedisVerification(options: RedisVerificationOptions): Promise<RedisVerification> {
  const { keyspace } = options;
  const redis = await connectRedis(options.redisUrl, options.connectionName);
  let subscriber: Redis | null = null;
  try {
    subscriber = await connectRedis(options.redisUrl, `${options.connectionName}-invalidations`, { subscriber: true });
    const bus = await RedisInvalidationBus.connect(redis, subscriber, {
      channel: keyspace.invalidationChannel,
      onTimeout: options.onInvalidationTimeout,
    });
    const reader = new RedisValidationReader(redis, keyspace.validation);
    const fallback = new FallbackValidationLookup(reader, options.fallback ?? noFallback, options.onFallback);
    const cache = new CachedValidationLookup(fallback, { ttlMs: options.cacheTtlMs });
    bus.onInvalidate((streamId, records) => cache.invalidateKey(streamId, records));
    subscriber.on('ready', () => cache.setEnabled(true));
    for (const event of ['close', 'reconnecting', 'end']) subscriber.on(event, () => cache.setEnabled(false));
    cache.setEnabled(subscriber.status === 'ready');
    const connections = subscriber;
    return {
      redis,
      subscriber: connections,
      keyspace,
      bus,
      lookup: cache,
      fallbacks: () => fallback.fallbacks,
      limiter: new FallbackUsageLimiter(new RedisUsageLimiter(redis, keyspace.limits)),
      async close() {
        await bus.close();
        connections.disconnect();
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  } catch (error) {
    subscriber?.disconnect();
    redis.disconnect();
    throw error;
  }
}
