// What verifies keys is the published @key-service/verifier (and @key-service/nestjs for guards);
// this lib keeps what only the key service's side does: restoring limit counters after Redis loses them.
export * from './limiting/redis-limit-state.restorer';
