import { upcastKeyEvent } from '@key-service/events';
import { EventStore } from '@keys/event-store';
import { isBulkRebuildable, ProjectionSink, rebuildReadModel } from '@keys/projections';

export interface ReplayReport {
  readonly readModel: string;
  readonly events: number;
  readonly keys: number;
  /** Position the model was rebuilt up to: its new checkpoint. */
  readonly position: number;
}

export interface ReplayOptions {
  /** Events read per query. */
  readonly batchSize?: number;
  /** Keys a bulk rebuild holds in memory before it writes them out (rebuildReadModel's bound). */
  readonly maxKeys?: number;
  /**
   * Empty each model first (default). Without it, every event is applied over what the model
   * holds, which only version-guarded sinks make safe while live writers use the model.
   */
  readonly reset?: boolean;
  readonly onProgress?: (readModel: string, events: number) => void;
}

/**
 * Rebuilds read models from position 0 of the event store itself, not from Kafka: the store is the
 * source of truth and holds every event, whatever the topic's retention kept. A model that can
 * rebuild in bulk (all of the service's) is folded in memory and written a key at a time
 * (rebuildReadModel); any other sink is fed the log a batch at a time, as live.
 */
export async function replayReadModels(
  store: EventStore,
  sinks: readonly ProjectionSink[],
  options: ReplayOptions = {},
): Promise<ReplayReport[]> {
  const reports: ReplayReport[] = [];
  for (const sink of sinks) {
    if (options.reset !== false) await sink.reset();
    if (isBulkRebuildable(sink)) {
      const report = await rebuildReadModel(store, sink.bulkRebuild(), 0, {
        pageSize: options.batchSize,
        maxKeys: options.maxKeys,
        maxPendingRows: options.maxKeys,
        emptied: options.reset !== false,
        onProgress: (events) => options.onProgress?.(sink.name, events),
      });
      reports.push({ readModel: sink.name, events: report.events, keys: report.keys, position: report.position });
      continue;
    }
    const batchSize = options.batchSize ?? 1000;
    const keys = new Set<string>();
    let events = 0;
    let cursor = 0;
    for (;;) {
      const batch = await store.readAll({ after: cursor, limit: batchSize });
      if (batch.length === 0) break;
      cursor = batch[batch.length - 1].position;
      await sink.handle(batch.map((e) => upcastKeyEvent(e)), cursor);
      for (const e of batch) keys.add(e.streamId);
      events += batch.length;
      options.onProgress?.(sink.name, events);
    }
    reports.push({ readModel: sink.name, events, keys: keys.size, position: cursor });
  }
  return reports;
}
