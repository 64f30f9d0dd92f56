/** How far Kafka is behind the event store, as /health reports it. */
export interface RelayLag {
  /** Last position the broker acknowledged (0: nothing published yet). */
  readonly checkpoint: number;
  /** Events in the store after the checkpoint. */
  readonly events: number;
  /** Age of the oldest of those events; 0 when none is waiting. */
  readonly ms: number;
}
