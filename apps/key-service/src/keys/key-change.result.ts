import { RecordedKeyEvent } from '@keys/domain';
import { foldKeyEvents, KeyDetailsView, keyDetailsProjection } from '@keys/projections';
import { LoadedKey } from './key.repository';

/** The key as it stands after a command: what it was loaded from plus what the command recorded. */
export function viewAfter(loaded: LoadedKey, recorded: readonly RecordedKeyEvent[]): KeyDetailsView {
  const view = foldKeyEvents(keyDetailsProjection, loaded.snapshot?.details ?? null, [...loaded.events, ...recorded]).document;
  if (!view) throw new Error('A key that a command changed has no view');
  return view;
}
