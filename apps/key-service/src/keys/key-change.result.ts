import { KeyDetailsView } from '@keys/projections';
import { LoadedKey } from './key.repository';
import { RecordedKeyEvent } from '@keys/domain';
import { viewFromEvents } from './key-view';

/** The key as it stands after a command: its history so far plus what the command recorded. */
export function viewAfter(loaded: LoadedKey, recorded: readonly RecordedKeyEvent[]): KeyDetailsView {
  const view = viewFromEvents([...loaded.events, ...recorded]);
  if (!view) throw new Error('A key that a command changed has no view');
  return view;
}
