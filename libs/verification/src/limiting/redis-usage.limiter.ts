import type { Redis } from 'ioredis';
import { quotaCounter, rateWindow } from './quota-period';
import { LimitCheck, LimitOutcome, UsageLimiter } from './usage-limiter.port';

/**
 * Rate limit (fixed window) and quota in one Lua script: Redis runs it atomically, so verifies on
 * every instance sharing this Redis see one counter and none is admitted past a limit.
 * KEYS: rate counter, quota counter. ARGV: hasRate, limit, windowMs, hasQuota, quotaInitial, quotaTtlMs.
 * Returns {outcome (0 admitted, 1 rate limited, 2 quota exhausted), rate used, quota left}.
 */
const ADMIT_SCRIPT = `
local used = 0
if ARGV[1] == '1' then
  used = tonumber(redis.call('GET', KEYS[1]) or '0')
  if used >= tonumber(ARGV[2]) then return {1, used, -1} end
end
local left = -1
if ARGV[4] == '1' then
  if redis.call('EXISTS', KEYS[2]) == 0 then
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

export class RedisUsageLimiter implements UsageLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'keys:limits:',
  ) {
    this.redis.defineCommand('keyServiceAdmit', { numberOfKeys: 2, lua: ADMIT_SCRIPT });
  }

  async admit(check: LimitCheck, now: number): Promise<LimitOutcome> {
    if (!check.rateLimit && !check.quota) return { admitted: true };
    // One hash tag per key keeps both counters in one slot on a Redis Cluster.
    const tag = `{${check.streamId}}`;
    const window = check.rateLimit ? rateWindow(check.rateLimit.durationMs, now) : null;
    const counter = check.quota ? quotaCounter(check.quota, check.quotaSetAt, now) : null;
    const [outcome, used, left] = (await (this.redis as Redis & { keyServiceAdmit: (...args: string[]) => Promise<number[]> }).keyServiceAdmit(
      `${this.prefix}rate:${tag}:${window?.index ?? 0}`,
      `${this.prefix}quota:${tag}:${counter?.id ?? 0}`,
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
    if (outcome === 1) return { admitted: false, code: 'RATE_LIMITED', ratelimit };
    if (outcome === 2) return { admitted: false, code: 'USAGE_EXCEEDED', ratelimit, remaining: 0 };
    return { admitted: true, ratelimit, remaining };
  }
}
