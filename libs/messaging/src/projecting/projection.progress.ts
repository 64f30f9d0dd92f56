/** The last event a Kafka projector applied: its lag is the store's head minus `position`. */
export interface ProjectionProgress {
  readonly position: number;
  readonly occurredAt: string;
  readonly appliedAt: string;
}
