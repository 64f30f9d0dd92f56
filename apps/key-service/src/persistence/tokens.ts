export const SQL_CLIENT = Symbol('SQL_CLIENT');
export const POSITION_FEED = Symbol('POSITION_FEED');
/** What verify reads: the validation model, possibly behind a cache and a fallback. */
export const VALIDATION_LOOKUP = Symbol('VALIDATION_LOOKUP');
/** Where verify checks and consumes rate limits and quotas. */
export const USAGE_LIMITER = Symbol('USAGE_LIMITER');
