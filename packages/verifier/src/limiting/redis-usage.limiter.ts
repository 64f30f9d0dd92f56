import type { Redis } from 'ioredis';
import { quotaCounter, rateWindow } from '@key-service/events';
import { limitsRestoredKey, quotaCounterKey, rateCounterKey } from './redis-limit.keys';
import { LimitCheck, LimitOutcome, UsageLimiter } from './usage-limiter.port';

/**
 * Rate limit (fixed window) and quota in one Lua script: Redis runs it atomically, so verifies on
 * every instance sharing this Redis see one counter and none is admitted past a limit.
 * A counter is created (rate at 0, quota at its initial value) only while the "restored" marker
 * is present: without it this Redis lost its data, the counter may have been spent, and the
 * script answers 3 ("not restored") without touching anything.
 * KEYS: rate counter, quota counter, restored marker. ARGV: hasRate, limit, windowMs, hasQuota,
 * quotaInitial, quotaTtlMs. Returns {outcome (0 admitted, 1 rate limited, 2 quota exhausted,
 * 3 limit state not restored), rate used, quota left}.
 */
const ADMIT_SCRIPT = `
local used = 0
if ARGV[1] == '1' then
  local stored = redis.call('GET', KEYS[1])
  if (not stored) and redis.call('EXISTS', KEYS[3]) == 0 then return {3, 0, -1} end
  used = tonumber(stored or '0')
  if used >= tonumber(ARGV[2]) then return {1, used, -1} end
end
local left = -1
if ARGV[4] == '1' then
  if redis.call('EXISTS', KEYS[2]) == 0 then
    if redis.call('EXISTS', KEYS[3]) == 0 then return {3, used, -1} end
    if tonumber(ARGV[6]) > 0 then redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[6]) else redis.call('SET', KEYS[2], ARGV[5]) end
  end
  left = tonumber(redis.call('GET', KEYS[2]))
  if left <= 0 then return {2, used, 0} end
  left = redis.call('DECR', KEYS[2])
end
if ARGV[1] == '1' then
  used = redis.call('INCR', KEYS[1])
  if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
end
return {0, used, left}
`;

/** Redis lost the limit counters and they are not restored from the event log yet: nothing can decide a limit. */
export class LimitStateNotRestoredError extends Error {
  constructor() {
    super('limit counters not restored yet after Redis lost its data');
    this.name = 'LimitStateNotRestoredError';
  }
}

export class RedisUsageLimiter implements UsageLimiter {
  constructor(
    private readonly redis: Redis,
    /** RedisKeyspace.limits */
    private readonly prefix: string,
  ) {
    this.redis.defineCommand('keyServiceAdmit', { numberOfKeys: 3, lua: ADMIT_SCRIPT });
  }

  async admit(check: LimitCheck, now: number): Promise<LimitOutcome> {
    if (!check.rateLimit && !check.quota) return { admitted: true };
    const window = check.rateLimit ? rateWindow(check.rateLimit.durationMs, now) : null;
    const counter = check.quota ? quotaCounter(check.quota, check.quotaSetAt, now) : null;
    const [outcome, used, left] = (await (this.redis as Redis & { keyServiceAdmit: (...args: string[]) => Promise<number[]> }).keyServiceAdmit(
      rateCounterKey(this.prefix, check.streamId, window?.index ?? 0),
      quotaCounterKey(this.prefix, check.streamId, counter?.id ?? '0'),
      // The marker is read only when a counter is missing. It is outside the key's slot: a
      // standalone Redis (or one slot), as the validation model's scripts already assume.
      limitsRestoredKey(this.prefix),
      check.rateLimit ? '1' : '0',
      String(check.rateLimit?.limit ?? 0),
      String(check.rateLimit?.durationMs ?? 0),
      check.quota ? '1' : '0',
      String(counter?.initial ?? 0),
      String(counter?.ttlMs ?? 0),
    )).map(Number);
    const ratelimit =
      check.rateLimit && window
        ? { limit: check.rateLimit.limit, remaining: Math.max(0, check.rateLimit.limit - used), reset: window.reset }
        : undefined;
    const remaining = check.quota ? Math.max(0, left) : undefined;
    if (outcome === 3) throw new LimitStateNotRestoredError();
    if (outcome === 1) return { admitted: false, code: 'RATE_LIMITED', ratelimit };
    if (outcome === 2) return { admitted: false, code: 'USAGE_EXCEEDED', ratelimit, remaining: 0 };
    return { admitted: true, ratelimit, remaining };
  }
}
