import { RecordedKeyEvent } from '@key-service/events';

/**
 * Where a feed delivers events: a read-model store that applies them. Feeds (the in-process
 * position feed, the Kafka consumer) know nothing of the model; sinks nothing of the transport.
 */
export interface ProjectionSink {
  readonly name: string;
  /** Last global position applied, for the position feed (0: nothing yet). */
  checkpoint(): Promise<number>;
  /**
   * Applies a batch idempotently (by per-key version). `checkpoint`, when given, is stored with the
   * writes, atomically where the store allows.
   */
  handle(events: readonly RecordedKeyEvent[], checkpoint?: number): Promise<void>;
  /** Empties the model and its checkpoint, for a rebuild from position 0. */
  reset(): Promise<void>;
}
