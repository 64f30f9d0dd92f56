// Verifying the key service's keys without NestJS: the key format and its hashing, the verify core,
// the limits, the in-process cache and its invalidation bus, and the one builder of verify's Redis
// chain. @key-service/nestjs mounts it as a guard; the key service uses it itself (docs/packages.md).
export * from './secrets/api-key-secret';
export * from './secrets/key-hasher';
export * from './secrets/imported-key-hash';
export * from './validation/validation-record';
export * from './validation/redis-validation.reader';
export * from './validation/pg-validation.reader';
export * from './verifying/verify-result';
export * from './verifying/validation-lookup.port';
export * from './verifying/key-verifier';
export * from './verifying/verify-access';
export * from './access/ip-allowlist';
export * from './access/permission-names';
export * from './permissions/permission-query';
export * from './permissions/permission-query.parser';
export * from './permissions/permission-query.evaluator';
export * from './permissions/permission-query.cache';
export * from './verifying/fallback-validation.lookup';
export * from './limiting/usage-limiter.port';
export * from './limiting/in-memory-usage.limiter';
export * from './limiting/redis-usage.limiter';
export * from './limiting/redis-limit.keys';
export * from './limiting/fallback-usage.limiter';
export * from './caching/cached-validation.lookup';
export * from './caching/redis-invalidation.bus';
export * from './usage/redis-usage.queue';
export * from './redis-keyspace';
export * from './redis.connection';
export * from './building/redis-verification.builder';
