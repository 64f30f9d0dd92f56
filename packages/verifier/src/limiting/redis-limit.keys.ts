/**
 * Names of the limit state in Redis, shared by the limiter that consumes it and the restorer that
 * seeds it. One hash tag per key keeps a key's counters in one slot on a Redis Cluster.
 */
export const rateCounterKey = (prefix: string, streamId: string, window: number): string => `${prefix}rate:{${streamId}}:${window}`;

export const quotaCounterKey = (prefix: string, streamId: string, counter: string): string => `${prefix}quota:{${streamId}}:${counter}`;

/**
 * Present once the counters this Redis holds can be trusted to include the usage in the event log:
 * a Redis that restarted empty has lost it with the counters, and a missing counter then means
 * "lost", not "never touched", until the restorer has seeded them and set it again.
 */
export const limitsRestoredKey = (prefix: string): string => `${prefix}restored`;

/** Set while a restore is under way (with its token), so a restore that Redis emptied under fails rather than marks. */
export const limitsRestoringKey = (prefix: string): string => `${prefix}restoring`;
