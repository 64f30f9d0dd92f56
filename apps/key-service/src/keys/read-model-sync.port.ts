import { RecordedKeyEvent } from '@keys/domain';
import { KeyValidationView } from '@keys/projections';

/**
 * A key's stream before an append: its validation view at some version (null: none) and the events
 * after it. Commands pass the view derived from the aggregate (validationViewOf) and no events.
 */
export interface StreamBeforeAppend {
  readonly validation: KeyValidationView | null;
  readonly events: readonly RecordedKeyEvent[];
}

/**
 * Called after a command's events are appended, before the command returns, in two steps with two
 * guarantees: `afterAppend` puts the change in force for verifiers (a revoke is effective when it
 * resolves), `readYourWrites` waits until the caller can read its own write from the query model.
 */
export interface ReadModelSync {
  /**
   * Resolves once no verifier on any instance answers from the state before the append.
   * `appended` were just appended after `before`, so together they are the key's whole stream.
   */
  afterAppend(appended: readonly RecordedKeyEvent[], before: StreamBeforeAppend): Promise<void>;
  /** Resolves (bounded) once the query model shows `appended`. */
  readYourWrites(appended: readonly RecordedKeyEvent[]): Promise<void>;
}

export const READ_MODEL_SYNC = Symbol('READ_MODEL_SYNC');
