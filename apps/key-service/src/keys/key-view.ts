import { RecordedKeyEvent } from '@key-service/events';
import { foldKeyEvents, KeyDetailsView, keyDetailsProjection } from '@keys/projections';

/** The details view of a key from its own events: what a command's response shows, and `?at=` replays. */
export function viewFromEvents(events: readonly RecordedKeyEvent[]): KeyDetailsView | null {
  return foldKeyEvents(keyDetailsProjection, null, events).document;
}
