/** The Kafka side of the distributed topology: where the relay publishes and the projector reads. */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly topic: string;
}

/** One process, PGlite under `dataDir`, projections in-process: nothing to run beside it. */
export interface EmbeddedTopology {
  readonly kind: 'embedded';
  readonly dataDir: string;
}

/**
 * Any number of replicas on PostgreSQL (events, query model, verify's fallback), Redis (verify's
 * model, limits, cache invalidation) and Kafka (relay to the projector). All three or none: each
 * guarantee of this topology leans on the other two (docs/architecture.md, "Topologies").
 */
export interface DistributedTopology {
  readonly kind: 'distributed';
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Namespace of everything kept in Redis (redisKeyspace); the service, projector, replay and guards share it. */
  readonly redisKeyPrefix: string;
  readonly kafka: KafkaSettings;
}

export type Topology = EmbeddedTopology | DistributedTopology;
