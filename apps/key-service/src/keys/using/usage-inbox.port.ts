import { PendingUsage } from './usage.buffer';

/**
 * What the usage flusher needs from the topology: usage others (guards in other services) queued (drained atomically, so two
 * replicas never count it twice), and word when the shared limit counters become unreachable,
 * since a Redis that comes back empty is restored from the usage in the log (so it must be there).
 */
export interface UsageInbox {
  drain(): Promise<readonly PendingUsage[]>;
  onSharedCountersLost(listener: () => void): void;
}

/** The embedded topology: no other process counts usage, and no counter is shared. */
export const NO_USAGE_INBOX: UsageInbox = {
  drain: async () => [],
  onSharedCountersLost: () => undefined,
};

export const USAGE_INBOX = Symbol('USAGE_INBOX');
