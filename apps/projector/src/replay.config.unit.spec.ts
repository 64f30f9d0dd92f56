import { loadReplayConfig, ReplayUsageError } from './replay.config';

const full = { DATABASE_URL: 'postgres://u@db/keys', REDIS_URL: 'redis://cache', KAFKA_BROKERS: 'k:9092' };

describe('loadReplayConfig', () => {
  it('rebuilds every read model of the distributed topology', () => {
    expect(loadReplayConfig(['all'], full)).toMatchObject({
      topology: { kind: 'distributed', redisKeyPrefix: 'keys:' },
      readModels: ['key-details', 'key-validation', 'key-validation-pg', 'key-verifications'],
    });
  });

  it('rebuilds the embedded PostgreSQL read models (query model, analytics); the embedded one rebuilds its validation model at start', () => {
    expect(loadReplayConfig(['all'], { DATA_DIR: '/d' })).toEqual({ topology: { kind: 'embedded', dataDir: '/d' }, readModels: ['key-details', 'key-verifications'] });
    expect(() => loadReplayConfig(['key-validation'], {})).toThrow('key-validation exists in the distributed topology only');
  });

  it('refuses a partial topology as the key service does, naming what is missing', () => {
    expect(() => loadReplayConfig(['all'], { DATABASE_URL: full.DATABASE_URL })).toThrow('REDIS_URL and KAFKA_BROKERS are not');
    expect(() => loadReplayConfig(['key-validation'], { DATABASE_URL: full.DATABASE_URL, REDIS_URL: full.REDIS_URL })).toThrow('KAFKA_BROKERS is not');
  });

  it('answers an unknown read model with the usage', () => {
    expect(() => loadReplayConfig(['everything'], full)).toThrow(ReplayUsageError);
    expect(() => loadReplayConfig([], full)).toThrow(/usage: replay/);
  });
});
