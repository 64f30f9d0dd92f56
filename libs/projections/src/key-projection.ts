import { keyStreamId, RecordedKeyEvent } from '@key-service/events';

/** Every read-model document carries the version of the last event folded into it. */
export interface Versioned {
  readonly version: number;
}

/**
 * A projection: a pure function from (current document of a key, next event) to the new
 * document, null when the key has no document. No I/O: stores and feeds live elsewhere.
 */
export interface KeyProjection<V extends Versioned> {
  readonly name: string;
  evolve(current: V | null, event: RecordedKeyEvent): V | null;
}

export type ApplyDecision = 'apply' | 'duplicate' | 'gap';

/**
 * Idempotency by stream version: an event is applied only when it is the next one for its key.
 * A redelivered event (at or below the stored version) is a duplicate and changes nothing.
 */
export function decide(current: Versioned | null, event: RecordedKeyEvent): ApplyDecision {
  const stored = current?.version ?? 0;
  if (event.version <= stored) return 'duplicate';
  if (event.version === stored + 1) return 'apply';
  return 'gap';
}

/** Folds a batch of one key's events into its document, skipping duplicates. */
export function foldKeyEvents<V extends Versioned>(
  projection: KeyProjection<V>,
  current: V | null,
  events: readonly RecordedKeyEvent[],
): { document: V | null; applied: number } {
  let document = current;
  let applied = 0;
  for (const event of events) {
    const decision = decide(document, event);
    if (decision === 'duplicate') continue;
    if (decision === 'gap')
      throw new Error(
        `Projection ${projection.name}: key '${event.keyId}' is at version ${document?.version ?? 0}, got event version ${event.version}`,
      );
    document = projection.evolve(document, event);
    applied++;
  }
  return { document, applied };
}

/**
 * A batch split per key, each key's events in their batch order: what stores fold one key at a
 * time. Keyed by stream id (`<tenant>/<id>`): two tenants' keys of the same id are two keys.
 */
export function groupByKey(events: readonly RecordedKeyEvent[]): Map<string, RecordedKeyEvent[]> {
  const byKey = new Map<string, RecordedKeyEvent[]>();
  for (const e of events) {
    const streamId = keyStreamId(e.tenant, e.keyId);
    const list = byKey.get(streamId);
    if (list) list.push(e);
    else byKey.set(streamId, [e]);
  }
  return byKey;
}

/**
 * What a store's locked read of a batch's rows gives for a key whose stored version is at or past
 * every event of the batch (newestVersions): every event is a duplicate, so its document is not
 * needed, and not read.
 */
export const UP_TO_DATE: unique symbol = Symbol('up to date');

/** Per key of a batch (groupByKey's values, in order), the highest version among its events. */
export function newestVersions(byKey: readonly (readonly RecordedKeyEvent[])[]): number[] {
  return byKey.map((keyEvents) => keyEvents.reduce((newest, e) => Math.max(newest, e.version), 0));
}
