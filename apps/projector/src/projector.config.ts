import { Environment, loadTopology } from '@keys/topology';

export interface ProjectorConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly kafkaTopic: string;
  readonly kafkaGroupId: string;
  readonly redisUrl: string;
  /** Must match the key service's: both read and write `<prefix>validation:*`. */
  readonly redisKeyPrefix: string;
  /** How often to check that Redis still holds the validation model (a restart without persistence empties it). */
  readonly redisModelCheckMs: number;
  /**
   * After Redis lost its data: how long to let the instances append their buffered usage before
   * the limit counters are seeded from the log (default DEFAULT_LIMITS_SETTLE_MS).
   */
  readonly limitsSettleMs?: number;
}

export const DEFAULT_LIMITS_SETTLE_MS = 2000;

/**
 * The projector exists only in the distributed topology: it reads the environment as the key
 * service does (loadTopology) and refuses anything else, naming what is missing.
 */
export function loadProjectorConfig(env: Environment): ProjectorConfig {
  const topology = loadTopology(env);
  if (topology.kind !== 'distributed')
    throw new Error('The projector runs in the distributed topology only: set DATABASE_URL, REDIS_URL and KAFKA_BROKERS');
  return {
    databaseUrl: topology.databaseUrl,
    kafkaBrokers: topology.kafka.brokers,
    kafkaTopic: topology.kafka.topic,
    kafkaGroupId: env.KAFKA_GROUP_ID || 'key-projector',
    redisUrl: topology.redisUrl,
    redisKeyPrefix: topology.redisKeyPrefix,
    redisModelCheckMs: positiveInteger(env, 'REDIS_MODEL_CHECK_MS', 5000),
    limitsSettleMs: positiveInteger(env, 'LIMITS_RESTORE_SETTLE_MS', DEFAULT_LIMITS_SETTLE_MS),
  };
}

function positiveInteger(env: Environment, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer of milliseconds (got '${raw}')`);
  return value;
}
