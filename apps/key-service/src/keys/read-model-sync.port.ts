import { RecordedKeyEvent } from '@key-service/events';
import { KeyDetails, KeyValidationView } from '@keys/projections';

/**
 * A key's stream before an append: its validation view at some version (null: none) and the events
 * after it. Commands pass the view derived from the aggregate (validationViewOf) and no events.
 */
export interface StreamBeforeAppend {
  readonly validation: KeyValidationView | null;
  readonly events: readonly RecordedKeyEvent[];
}

/**
 * What a command knows about who may have seen its key. `freshSecret`: the change starts a key
 * whose only secret this very command generated (create, batch create; never an import, whose hash
 * the caller supplies, nor any change to an existing key). Caches, positive and negative entries
 * alike, are keyed by the HMAC of a presented secret, and a secret drawn from the CSPRNG a moment
 * ago has never been presented, so no instance can hold anything of this key: there is nothing to
 * invalidate and no confirmation to wait for (docs/verification.md, "Why a revoke cannot be missed").
 */
export interface SyncOptions {
  readonly freshSecret?: boolean;
}

/**
 * Called after a command's events are appended, before the command answers. When it resolves the
 * change is in force for verifiers (a revoke is effective) and readable by the caller from the
 * query model on every instance.
 */
export interface ReadModelSync {
  /**
   * `appended` were just appended after `before`, so together they are the key's whole stream;
   * `after` is the key's details once they are applied (what the command answers).
   */
  afterAppend(appended: readonly RecordedKeyEvent[], before: StreamBeforeAppend, after: KeyDetails, options?: SyncOptions): Promise<void>;
  /**
   * afterAppend for many keys appended together (batch create, import): the same guarantee for
   * each, with the round trips shared where the stores allow it.
   */
  afterAppendMany(changes: readonly AppendedChange[], options?: SyncOptions): Promise<void>;
}

/** One key's part of afterAppendMany: afterAppend's three arguments. */
export interface AppendedChange {
  readonly appended: readonly RecordedKeyEvent[];
  readonly before: StreamBeforeAppend;
  readonly after: KeyDetails;
}

export const READ_MODEL_SYNC = Symbol('READ_MODEL_SYNC');
