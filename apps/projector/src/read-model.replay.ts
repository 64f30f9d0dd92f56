import { upcastKeyEvent } from '@key-service/events';
import { EventStore } from '@keys/event-store';
import { ProjectionSink } from '@keys/projections';

export interface ReplayReport {
  readonly readModel: string;
  readonly events: number;
  readonly keys: number;
  /** Position the model was rebuilt up to: its new checkpoint. */
  readonly position: number;
}

export interface ReplayOptions {
  readonly batchSize?: number;
  /**
   * Empty each model first (default). Without it, every event is applied over what the model
   * holds, which only version-guarded sinks make safe while live writers use the model.
   */
  readonly reset?: boolean;
  readonly onProgress?: (readModel: string, events: number) => void;
}

/**
 * Rebuilds read models from position 0 of the event store itself, not from Kafka: the store is the
 * source of truth and holds every event, whatever the topic's retention kept.
 */
export async function replayReadModels(
  store: EventStore,
  sinks: readonly ProjectionSink[],
  options: ReplayOptions = {},
): Promise<ReplayReport[]> {
  const batchSize = options.batchSize ?? 1000;
  const reports: ReplayReport[] = [];
  for (const sink of sinks) {
    if (options.reset !== false) await sink.reset();
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
