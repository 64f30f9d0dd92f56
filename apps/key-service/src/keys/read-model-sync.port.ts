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
 * Called after a command's events are appended, before the command answers. When it resolves the
 * change is in force for verifiers (a revoke is effective) and readable by the caller from the
 * query model on every instance.
 */
export interface ReadModelSync {
  /**
   * `appended` were just appended after `before`, so together they are the key's whole stream;
   * `after` is the key's details once they are applied (what the command answers).
   */
  afterAppend(appended: readonly RecordedKeyEvent[], before: StreamBeforeAppend, after: KeyDetails): Promise<void>;
}

export const READ_MODEL_SYNC = Symbol('READ_MODEL_SYNC');
