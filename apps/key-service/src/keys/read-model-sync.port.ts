import { RecordedKeyEvent } from '@keys/domain';

/**
 * Called after a command's events are appended, before the command returns. The embedded mode
 * waits for its in-process projections so the caller reads its own write; the distributed mode
 * writes the deny state and invalidations that make a revoke effective at once.
 */
export interface ReadModelSync {
  /** `appended` were just appended after `history`, so together they are the key's whole stream. */
  afterAppend(appended: readonly RecordedKeyEvent[], history: readonly RecordedKeyEvent[]): Promise<void>;
}

export const READ_MODEL_SYNC = Symbol('READ_MODEL_SYNC');
