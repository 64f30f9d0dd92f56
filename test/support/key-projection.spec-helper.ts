import { RecordedKeyEvent } from '@key-service/events';
import { foldKeyEvents, KeyProjection, Versioned } from '@keys/projections';

/**
 * given(events).when(events).then(document), as Emmett specifies its projections: the given events
 * build the document, the when events are what the test is about. Both go through foldKeyEvents,
 * the same path the stores take, so version guards apply as in production.
 */
export function projectionSpec<V extends Versioned>(projection: KeyProjection<V>) {
  return (...given: RecordedKeyEvent[]) => ({
    when(...events: RecordedKeyEvent[]) {
      const before = foldKeyEvents(projection, null, given).document;
      const after = foldKeyEvents(projection, before, events);
      return {
        before,
        document: after.document,
        then(expected: V | null): void {
          expect(after.document).toEqual(expected);
        },
        thenChanged(fields: Partial<V>): void {
          expect(before).not.toBeNull();
          expect(after.document).toEqual({ ...before, ...fields });
        },
        thenUnchanged(): void {
          expect(after.applied).toBe(0);
          expect(after.document).toBe(before);
        },
      };
    },
  });
}
