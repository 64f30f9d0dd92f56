import { loadProjectorConfig } from './projector.config';

const full = { DATABASE_URL: 'postgres://u@db/keys', REDIS_URL: 'redis://cache', KAFKA_BROKERS: 'k:9092' };

describe('loadProjectorConfig', () => {
  it('reads the distributed topology as the key service does', () => {
    expect(loadProjectorConfig({ ...full, REDIS_KEY_PREFIX: 'p:', KAFKA_TOPIC: 't' })).toMatchObject({
      databaseUrl: full.DATABASE_URL,
      redisUrl: full.REDIS_URL,
      redisKeyPrefix: 'p:',
      kafkaBrokers: ['k:9092'],
      kafkaTopic: 't',
      kafkaGroupId: 'key-projector',
    });
  });

  it('refuses the embedded topology', () => {
    expect(() => loadProjectorConfig({})).toThrow('The projector runs in the distributed topology only: set DATABASE_URL, REDIS_URL and KAFKA_BROKERS');
  });

  it.each([
    [{ DATABASE_URL: full.DATABASE_URL, REDIS_URL: full.REDIS_URL }, 'KAFKA_BROKERS is not'],
    [{ DATABASE_URL: full.DATABASE_URL, KAFKA_BROKERS: full.KAFKA_BROKERS }, 'REDIS_URL is not'],
    [{ REDIS_URL: full.REDIS_URL, KAFKA_BROKERS: full.KAFKA_BROKERS }, 'DATABASE_URL is not'],
  ])('refuses the partial topology %o, naming what is missing', (env, missing) => {
    expect(() => loadProjectorConfig(env)).toThrow(missing);
  });
});
