import { PendingUsage } from './usage.buffer';

/**
 * Which of the flusher's two windows usage belongs to: keys with a quota flush every
 * USAGE_QUOTA_WINDOW_SECONDS, the others every USAGE_WINDOW_SECONDS.
 */
export type UsageLane = 'quota' | 'plain';

/**
 * Where instances pool their usage so the deployment appends one KeyUsed per key per window,
 * whatever its number of instances: each instance hands its counts over (`share`) every window, and
 * the one instance that leads drains the pool and appends. Also: word when the shared counters
 * become unreachable, since a Redis that comes back empty is restored from the usage in the log
 * (so it must be there).
 */
export interface UsageInbox {
  /** Adds this instance's usage to the pool; false when it cannot, and then the caller appends it. */
  share(lane: UsageLane, usage: readonly PendingUsage[]): Promise<boolean>;
  /** Whether this instance is the one that drains the pool and appends (tried again each window). */
  leads(): Promise<boolean>;
  /** Takes everything pooled in the lane (guards in other services pool theirs in 'plain'), atomically. */
  drain(lane: UsageLane): Promise<readonly PendingUsage[]>;
  onSharedCountersLost(listener: () => void): void;
}

/** The embedded topology: one process, nothing to pool, and no counter is shared. */
export const NO_USAGE_INBOX: UsageInbox = {
  share: async () => false,
  leads: async () => true,
  drain: async () => [],
  onSharedCountersLost: () => undefined,
};

export const USAGE_INBOX = Symbol('USAGE_INBOX');
