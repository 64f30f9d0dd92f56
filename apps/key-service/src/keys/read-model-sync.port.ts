import { ApiKey } from '@keys/domain';
import { KeyEvent, RecordedKeyEvent } from '@key-service/events';
import { AppendAlongside } from '@keys/event-store';
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
  /** The append wrote the change's PostgreSQL rows in its own statement (rowsWithAppend): afterAppend leaves them. */
  readonly rowsAppended?: boolean;
}

/** A change as a command decided it, before its append: the events, and the key once they apply. */
export interface PlannedChange {
  readonly events: readonly KeyEvent[];
  /** The key after the events, as the append will record them (their occurredAt is the append's). */
  readonly after: ApiKey;
}

/**
 * Called after a command's events are appended, before the command answers. When it resolves the
 * change is in force for verifiers (a revoke is effective) and readable by the caller from the
 * query model on every instance.
 */
export interface ReadModelSync {
  /**
   * The part of the change the append writes in its own statement, only when the append succeeds
   * (AppendOptions.alongside), or undefined for none. Asked for again on each attempt of a command,
   * so the rows are those of the decision that is appended. What it covers, afterAppend is told
   * (SyncOptions.rowsAppended) and does not write again.
   */
  rowsWithAppend(change: PlannedChange): AppendAlongside | undefined;
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
