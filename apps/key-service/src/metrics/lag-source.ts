import { KeyServiceMetrics } from './key-service.metrics';

/** Something read at scrape time for a metric: the Kafka relay's lag, verify's Redis fallbacks (distributed mode). */
export interface LagSource {
  collect(metrics: KeyServiceMetrics, head: number): Promise<void>;
}

export const LAG_SOURCES = Symbol('LAG_SOURCES');
