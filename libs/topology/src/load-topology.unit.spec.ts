import { loadTopology, TopologyError } from './load-topology';

const PG = 'postgres://u@db/keys';
const REDIS = 'redis://cache:6379';
const KAFKA = 'k1:9092,k2:9092';

describe('loadTopology', () => {
  it('is embedded under DATA_DIR when none of the three switches is set', () => {
    expect(loadTopology({})).toEqual({ kind: 'embedded', dataDir: './data' });
    expect(loadTopology({ DATA_DIR: '/var/keys', DATABASE_URL: '' })).toEqual({ kind: 'embedded', dataDir: '/var/keys' });
  });

  it('is distributed with all three, with the Redis prefix and the Kafka topic', () => {
    expect(loadTopology({ DATABASE_URL: PG, REDIS_URL: REDIS, KAFKA_BROKERS: KAFKA, REDIS_KEY_PREFIX: 'p:' })).toEqual({
      kind: 'distributed',
      databaseUrl: PG,
      redisUrl: REDIS,
      redisKeyPrefix: 'p:',
      kafka: { brokers: ['k1:9092', 'k2:9092'], topic: 'api-key-events' },
    });
  });

  it.each([
    [{ DATABASE_URL: PG }, 'DATABASE_URL is set but REDIS_URL and KAFKA_BROKERS are not'],
    [{ REDIS_URL: REDIS }, 'REDIS_URL is set but DATABASE_URL and KAFKA_BROKERS are not'],
    [{ KAFKA_BROKERS: KAFKA }, 'KAFKA_BROKERS is set but DATABASE_URL and REDIS_URL are not'],
    [{ DATABASE_URL: PG, REDIS_URL: REDIS }, 'DATABASE_URL and REDIS_URL are set but KAFKA_BROKERS is not'],
    [{ DATABASE_URL: PG, KAFKA_BROKERS: KAFKA }, 'DATABASE_URL and KAFKA_BROKERS are set but REDIS_URL is not'],
    [{ REDIS_URL: REDIS, KAFKA_BROKERS: KAFKA }, 'REDIS_URL and KAFKA_BROKERS are set but DATABASE_URL is not'],
  ])('refuses the partial topology %o, naming what is missing', (env, message) => {
    expect(() => loadTopology(env)).toThrow(TopologyError);
    expect(() => loadTopology(env)).toThrow(message);
  });

  it('names each malformed switch', () => {
    expect(() => loadTopology({ DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x', KAFKA_BROKERS: ' , ' })).toThrow(
      'DATABASE_URL must be a postgres:// connection string; REDIS_URL must be a redis:// URL; KAFKA_BROKERS lists no broker',
    );
  });
});
