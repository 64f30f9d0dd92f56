import { KeyServiceMetrics } from './key-service.metrics';

/** Something whose lag behind the event store is worth a metric (the Kafka relay, in distributed mode). */
export interface LagSource {
  collect(metrics: KeyServiceMetrics, head: number): Promise<void>;
}

export const LAG_SOURCES = Symbol('LAG_SOURCES');
