import { ApiKey } from '@keys/domain';
import { RecordedKeyEvent } from '@key-service/events';
import { detailsOf, KeyDetails } from '@keys/projections';
import type { LoadedKey } from './key.repository';

/** What a command did to a key: the key it decided on, the events it appended, and the key after them. */
export interface KeyChange {
  readonly before: LoadedKey;
  /** Empty when the command decided nothing changes (an update to the same values). */
  readonly recorded: readonly RecordedKeyEvent[];
  readonly after: ApiKey;
  /** The append wrote the key's read-model rows in its own statement (ReadModelSync.rowsWithAppend). */
  readonly rowsAppended?: boolean;
}

/** The key as it stands after a command: what the command answers. */
export function detailsAfter(change: KeyChange): KeyDetails {
  return detailsOf(change.after.state, change.after.version);
}
