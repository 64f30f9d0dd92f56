import { KEY_EVENTS_TOPIC, parseBrokerList } from '@keys/messaging';

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

export type Environment = Readonly<Record<string, string | undefined>>;

/** The projector only runs distributed, so every connection is required; defaults cover the names. */
export function loadProjectorConfig(env: Environment = process.env): ProjectorConfig {
  const missing = ['DATABASE_URL', 'KAFKA_BROKERS', 'REDIS_URL'].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`The projector needs ${missing.join(', ')} to be set`);
  const brokers = parseBrokerList(env.KAFKA_BROKERS as string);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS lists no broker');
  return {
    databaseUrl: env.DATABASE_URL as string,
    kafkaBrokers: brokers,
    kafkaTopic: env.KAFKA_TOPIC || KEY_EVENTS_TOPIC,
    kafkaGroupId: env.KAFKA_GROUP_ID || 'key-projector',
    redisUrl: env.REDIS_URL as string,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'keys:',
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
