import { VerificationUnavailableError } from '../verifying/validation-lookup.port';
import { InMemoryUsageLimiter } from './in-memory-usage.limiter';
import { LimitStateNotRestoredError } from './redis-usage.limiter';
import { LimitCheck, LimitOutcome, UsageLimiter } from './usage-limiter.port';

/**
 * While Redis is down, or back but without its counters restored from the event log: rate limits
 * fall back to this instance's own counters (they protect the caller's backend, and an
 * approximation beats refusing all traffic), but a quota cannot be decided without the shared
 * counter, so a key with a quota is refused with 503 until Redis is back and restored.
 */
export class FallbackUsageLimiter implements UsageLimiter {
  private readonly local = new InMemoryUsageLimiter();

  constructor(private readonly primary: UsageLimiter) {}

  async admit(check: LimitCheck, now: number): Promise<LimitOutcome> {
    try {
      return await this.primary.admit(check, now);
    } catch (error) {
      if (check.quota)
        throw new VerificationUnavailableError(
          error instanceof LimitStateNotRestoredError ? error.message : `quota counter unreachable (${(error as Error).message})`,
        );
      return this.local.admit(check, now);
    }
  }
}
