import { RecordedKeyEvent } from '@keys/domain';
import { KeyValidationView } from '@keys/projections';

/** A key's stream before an append: its validation view at a snapshot (null: none) and the events after it. */
export interface StreamBeforeAppend {
  readonly validation: KeyValidationView | null;
  readonly events: readonly RecordedKeyEvent[];
}

/**
 * Called after a command's events are appended, before the command returns. The embedded mode
 * waits for its in-process projections so the caller reads its own write; the distributed mode
 * writes the deny state and invalidations that make a revoke effective at once.
 */
export interface ReadModelSync {
  /** `appended` were just appended after `before`, so together they are the key's whole stream. */
  afterAppend(appended: readonly RecordedKeyEvent[], before: StreamBeforeAppend): Promise<void>;
}

export const READ_MODEL_SYNC = Symbol('READ_MODEL_SYNC');
