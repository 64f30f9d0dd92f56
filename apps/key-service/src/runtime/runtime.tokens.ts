/** What verify reads: the validation model, behind a cache and a fallback in the distributed topology. */
export const VALIDATION_LOOKUP = Symbol('VALIDATION_LOOKUP');
/** Where verify checks and consumes rate limits and quotas. */
export const USAGE_LIMITER = Symbol('USAGE_LIMITER');
/** The hashes of imported keys (ImportedHashIndex), checked in process before verify looks one up. */
export const IMPORTED_HASHES = Symbol('IMPORTED_HASHES');
