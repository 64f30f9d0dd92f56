import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics. Labels are bounded sets (verify codes, event types): never a
 * key, a key id or anything a caller sends.
 */
@Injectable()
export class KeyServiceMetrics {
  readonly registry = new Registry();

  readonly verifyDuration = new Histogram({
    name: 'key_verify_duration_seconds',
    help: 'Time spent deciding a verify, by answer code',
    labelNames: ['code'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
    registers: [this.registry],
  });

  readonly verifyUnknown = new Counter({
    name: 'key_verify_unknown_total',
    help: 'Verify answers NOT_FOUND on this instance: the presented secret names no key, so no key\'s analytics count it',
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'key_events_appended_total',
    help: 'Events appended to the event store by this instance, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: 'key_validation_cache_lookups_total',
    help: 'In-process validation cache lookups, by result (hit or miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly validationLookups = new Counter({
    name: 'key_validation_lookups_total',
    help: 'Reads of the validation model by verify, by the kind of hash looked up (issued: HMAC of a key of this service; imported: SHA-256 of an imported key)',
    labelNames: ['hash'] as const,
    registers: [this.registry],
  });

  readonly projectionLag = new Gauge({
    name: 'key_projection_lag_events',
    help: 'Events appended but not yet applied to each read model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly relayLag = new Gauge({
    name: 'key_relay_lag_events',
    help: 'Events appended but not yet published to Kafka',
    registers: [this.registry],
  });

  readonly relayLagSeconds = new Gauge({
    name: 'key_relay_lag_seconds',
    help: 'Age of the oldest event not yet published to Kafka',
    registers: [this.registry],
  });

  readonly changeEffective = new Histogram({
    name: 'key_change_effective_seconds',
    help: 'From a command starting to load its key to its change being in force for every verifier on every instance, by event type',
    labelNames: ['change'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly verifyFallbacks = new Counter({
    name: 'key_verify_fallbacks_total',
    help: 'Validation lookups answered from PostgreSQL because Redis could not answer',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
