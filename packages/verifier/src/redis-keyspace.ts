/**
 * Every name the key service, the projector, replay and other services' guards use in Redis,
 * under one prefix (REDIS_KEY_PREFIX, default `keys:`). They must agree on each of them, so they
 * all take them from here.
 */
export interface RedisKeyspace {
  readonly prefix: string;
  /** The validation model: `<validation>hash:<hash>`, `<validation>key:<stream id>`, its checkpoint and built marker. */
  readonly validation: string;
  /** Rate-limit and quota counters (redis-limit.keys.ts names each, the `restored` marker included). */
  readonly limits: string;
  /** Usage that guards queue for the key service to append (RedisUsageQueue). */
  readonly usage: string;
  /** Cache invalidations; acks go to `<channel>:ack`. */
  readonly invalidationChannel: string;
}

export const DEFAULT_REDIS_KEY_PREFIX = 'keys:';

export function redisKeyspace(prefix: string = DEFAULT_REDIS_KEY_PREFIX): RedisKeyspace {
  return {
    prefix,
    validation: `${prefix}validation:`,
    limits: `${prefix}limits:`,
    usage: `${prefix}usage:`,
    invalidationChannel: `${prefix}invalidate`,
  };
}
