export const SQL_CLIENT = Symbol('SQL_CLIENT');
/** The in-process position feed; null when the projector builds the read models from Kafka. */
export const POSITION_FEED = Symbol('POSITION_FEED');
/** The Kafka relay; null unless KAFKA_BROKERS is set. */
export const KAFKA_RELAY = Symbol('KAFKA_RELAY');
/** Redis connections; null unless REDIS_URL is set. */
export const REDIS = Symbol('REDIS');
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
export const INVALIDATION_BUS = Symbol('INVALIDATION_BUS');
/** The PostgreSQL validation model, verify's fallback; null unless Redis is the primary. */
export const PG_VALIDATION_STORE = Symbol('PG_VALIDATION_STORE');
/** Usage that other services' guards queued in Redis; null without Redis. */
export const USAGE_QUEUE = Symbol('USAGE_QUEUE');
/** What verify reads: the validation model, possibly behind a cache and a fallback. */
export const VALIDATION_LOOKUP = Symbol('VALIDATION_LOOKUP');
/** Where verify checks and consumes rate limits and quotas. */
export const USAGE_LIMITER = Symbol('USAGE_LIMITER');
/** Redis first, PostgreSQL when Redis cannot answer; null without Redis. */
export const VERIFY_FALLBACK = Symbol('VERIFY_FALLBACK');
