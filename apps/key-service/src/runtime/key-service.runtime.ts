import { PostgresEventStore } from '@keys/event-store';
import { ImportedHashIndex, KeyDetailsPgStore, KeyVerificationsPgStore } from '@keys/projections';
import { UsageLimiter, ValidationLookup } from '@key-service/verifier';
import { RelayStatus } from '../health/relay-status.port';
import { ReadModelSync } from '../keys/read-model-sync.port';
import { UsageInbox } from '../keys/using/usage-inbox.port';
import { LagSource } from '../metrics/lag-source';

/**
 * Everything the service runs on, built for one topology by one function (embedded.runtime.ts,
 * distributed.runtime.ts) that also starts and stops it. Nothing here is optional: what a topology
 * lacks is a no-op (no lag sources, no relay, an empty usage inbox).
 */
export interface KeyServiceRuntime {
  readonly kind: 'embedded' | 'distributed';
  readonly eventStore: PostgresEventStore;
  /** The query model: get, list, audit's key filter, the fusion roles. */
  readonly queryStore: KeyDetailsPgStore;
  /** Verification analytics: per-key buckets by outcome (fed in-process, or by the projector). */
  readonly verificationsStore: KeyVerificationsPgStore;
  /** What verify reads. */
  readonly validationLookup: ValidationLookup;
  /** Which imported keys' hashes verify may look up; kept current from the events this runtime sees. */
  readonly importedHashes: ImportedHashIndex;
  readonly usageLimiter: UsageLimiter;
  readonly usageInbox: UsageInbox;
  /** What a command does after its append so a revoke is in force, and its caller reads its write. */
  readonly readModelSync: ReadModelSync;
  readonly lagSources: readonly LagSource[];
  readonly relayStatus: RelayStatus;
  /** Before the service answers: read models caught up, the relay running. */
  start(): Promise<void>;
  /** In the reverse order, each step's failure logged, not thrown, so the next still runs. */
  stop(): Promise<void>;
}

export const KEY_SERVICE_RUNTIME = Symbol('KEY_SERVICE_RUNTIME');
