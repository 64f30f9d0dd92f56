import { keyStreamId, RecordedKeyEvent, upcastKeyEvent } from '@key-service/events';
import { EventStore, StoredEvent } from '@keys/event-store';
import { foldKeyEvents, Versioned } from '../key-projection';
import { BulkRebuild, KeyChange } from './bulk-rebuild';

export interface BulkRebuildOptions {
  /** Events read per query (keyset pagination on the feed order). */
  readonly pageSize?: number;
  /**
   * The memory bound: once more keys than this are in memory, or the model holds more than
   * `maxPendingRows` rows set aside (the analytics' minutes), every changed key is written and
   * memory is emptied; a key seen again later is read back from the model. A day of 10,000 keys
   * at one window a minute stays under the defaults for all but the analytics (14.4 million
   * minutes: about fifteen writes); each document or minute held costs well under a kilobyte.
   */
  readonly maxKeys?: number;
  readonly maxPendingRows?: number;
  /** The model was emptied first (a replay from 0): a key not in memory is new unless flushed before. */
  readonly emptied?: boolean;
  readonly onProgress?: (events: number) => void;
}

export interface BulkRebuildReport {
  readonly events: number;
  /** Keys created in the events read (KeyCreated is every stream's version 1): all keys, from 0. */
  readonly keys: number;
  /** The new checkpoint: position of the last event read. */
  readonly position: number;
  /** How many times the driver wrote and emptied its memory before the end. */
  readonly flushes: number;
}

interface Entry<D> {
  stored: D | null;
  document: D | null;
}

/**
 * Rebuilds a read model from the event store in bulk: reads the log a page at a time in feed
 * order, folds each key's events in memory through the model's projection (duplicates skipped
 * and gaps refused as the live sinks do), and writes each key once, at the end or when the
 * memory bound is reached, with the checkpoint. The next page is read while one is folded.
 */
export async function rebuildReadModel<D extends Versioned>(
  store: EventStore,
  rebuild: BulkRebuild<D>,
  from: number,
  options: BulkRebuildOptions = {},
): Promise<BulkRebuildReport> {
  const pageSize = options.pageSize ?? 20_000;
  const maxKeys = options.maxKeys ?? 100_000;
  const maxPendingRows = options.maxPendingRows ?? 1_000_000;
  const memory = new Map<string, Entry<D>>();
  // Whether a key missing from memory may be in the model: never for an emptied one until a flush.
  let modelMayHoldKeys = options.emptied === false;
  let events = 0;
  let keys = 0;
  let flushes = 0;
  let cursor = from;
  const read = (after: number) => {
    const page = store.readAll({ after, limit: pageSize });
    // Read ahead, maybe never awaited when a fold throws: its failure must not go unhandled.
    page.catch(() => undefined);
    return page;
  };
  let next = read(cursor);
  for (;;) {
    let page = await next;
    // The read ahead may have run beside our own flush, whose open transaction hides what later
    // transactions committed: make sure the end is the end.
    if (page.length === 0) page = await store.readAll({ after: cursor, limit: pageSize });
    if (page.length === 0) break;
    cursor = page[page.length - 1].position;
    next = read(cursor);
    const byKey = groupPage(page);
    if (modelMayHoldKeys) {
      const missing = [...byKey.keys()].filter((k) => !memory.has(k));
      if (missing.length) {
        const loaded = await rebuild.load(missing);
        for (const k of missing) {
          const doc = loaded.get(k) ?? null;
          memory.set(k, { stored: doc, document: doc });
        }
      }
    }
    for (const [streamId, keyEvents] of byKey) {
      let entry = memory.get(streamId);
      if (!entry) {
        entry = { stored: null, document: null };
        memory.set(streamId, entry);
      }
      const { document, applied } = foldKeyEvents(rebuild.projection, entry.document, keyEvents);
      if (applied > 0 && document) entry.document = rebuild.settle ? rebuild.settle(streamId, document) : document;
      for (const e of keyEvents) if (e.version === 1) keys++;
    }
    events += page.length;
    options.onProgress?.(events);
    if (memory.size > maxKeys || (rebuild.pending?.() ?? 0) > maxPendingRows) {
      await rebuild.flush(changesIn(memory), cursor);
      memory.clear();
      modelMayHoldKeys = true;
      flushes++;
    }
  }
  await rebuild.flush(changesIn(memory), cursor);
  return { events, keys, position: cursor, flushes };
}

function groupPage(page: readonly StoredEvent[]): Map<string, RecordedKeyEvent[]> {
  const byKey = new Map<string, RecordedKeyEvent[]>();
  for (const stored of page) {
    const e = upcastKeyEvent(stored);
    const streamId = keyStreamId(e.tenant, e.keyId);
    const list = byKey.get(streamId);
    if (list) list.push(e);
    else byKey.set(streamId, [e]);
  }
  return byKey;
}

function changesIn<D extends Versioned>(memory: ReadonlyMap<string, Entry<D>>): KeyChange<D>[] {
  const changes: KeyChange<D>[] = [];
  for (const [streamId, { stored, document }] of memory) if (document && document !== stored) changes.push({ streamId, stored, document });
  return changes;
}
