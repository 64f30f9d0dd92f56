import { KEY_EVENTS_TOPIC } from '@key-service/events';
import { Topology } from './topology';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Configuration that names no topology, or a partial one; the message says what is missing. */
export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

const SWITCHES = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS'] as const;

const and = (names: readonly string[]): string => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/**
 * The one reading of the environment into a topology, shared by the key service, the projector and
 * replay. None of the three switches: embedded. All three: distributed. Anything between would start
 * and quietly lose a guarantee (a revoke not in force on other replicas, a "PostgreSQL" fallback on
 * PGlite), so it is refused, naming what is missing.
 */
export function loadTopology(env: Environment): Topology {
  const value = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const set = SWITCHES.filter((name) => value(name) !== undefined);
  if (set.length === 0) return { kind: 'embedded', dataDir: value('DATA_DIR') ?? './data' };
  const missing = SWITCHES.filter((name) => !set.includes(name));
  if (missing.length > 0)
    throw new TopologyError(
      `${and(set)} ${set.length > 1 ? 'are' : 'is'} set but ${and(missing)} ${missing.length > 1 ? 'are' : 'is'} not: ` +
        'the distributed topology needs DATABASE_URL, REDIS_URL and KAFKA_BROKERS together (set none of them for the embedded one)',
    );
  const databaseUrl = value('DATABASE_URL') as string;
  const redisUrl = value('REDIS_URL') as string;
  const brokers = (value('KAFKA_BROKERS') as string)
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const redisKeyPrefix = value('REDIS_KEY_PREFIX') ?? 'keys:';
  const problems = [
    /^postgres(ql)?:\/\//.test(databaseUrl) ? null : 'DATABASE_URL must be a postgres:// connection string',
    /^rediss?:\/\//.test(redisUrl) ? null : 'REDIS_URL must be a redis:// URL',
    brokers.length > 0 ? null : 'KAFKA_BROKERS lists no broker',
    /^[A-Za-z0-9:_.-]{1,64}$/.test(redisKeyPrefix) ? null : 'REDIS_KEY_PREFIX must be 1-64 characters of A-Z a-z 0-9 : _ . -',
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) throw new TopologyError(problems.join('; '));
  return { kind: 'distributed', databaseUrl, redisUrl, redisKeyPrefix, kafka: { brokers, topic: value('KAFKA_TOPIC') ?? KEY_EVENTS_TOPIC } };
}
