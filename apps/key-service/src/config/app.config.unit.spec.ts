import { ConfigurationError, loadAppConfig } from './app.config';
import { httpServerOptions } from './http-server.options';

describe('HTTP timeouts in the configuration', () => {
  it('drops a stalled request within seconds by default', () => {
    const config = loadAppConfig({});
    expect([config.httpRequestTimeoutMs, config.httpIdleTimeoutMs, config.httpKeepAliveTimeoutMs]).toEqual([10_000, 30_000, 72_000]);
    expect(httpServerOptions(config).http).toEqual({ requestTimeout: 10_000, headersTimeout: 10_000, connectionsCheckingInterval: 1_000 });
  });

  it('reads each from the environment', () => {
    const config = loadAppConfig({ HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_IDLE_TIMEOUT_MS: '9000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '4000' });
    expect(httpServerOptions(config)).toMatchObject({ requestTimeout: 2000, connectionTimeout: 9000, keepAliveTimeout: 4000, http: { connectionsCheckingInterval: 500 } });
  });

  it.each([
    [{ HTTP_REQUEST_TIMEOUT_MS: 'soon' }, 'HTTP_REQUEST_TIMEOUT_MS must be an integer number'],
    [{ HTTP_REQUEST_TIMEOUT_MS: '0' }, 'HTTP_REQUEST_TIMEOUT_MS must not be less than 100'],
    [{ HTTP_KEEP_ALIVE_TIMEOUT_MS: '-1' }, 'HTTP_KEEP_ALIVE_TIMEOUT_MS must not be less than 100'],
  ])('refuses %o at start, naming the variable', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(ConfigurationError);
    expect(() => loadAppConfig(env)).toThrow(message);
  });
});

describe('Body limits in the configuration', () => {
  it('gives the bulk routes 4 MiB and every other route 64 KiB by default', () => {
    const config = loadAppConfig({});
    expect([config.bodyLimitBytes, config.bulkBodyLimitBytes]).toEqual([65_536, 4 * 1024 * 1024]);
  });

  it('reads each from the environment, the bulk limit following a larger BODY_LIMIT_BYTES when unset', () => {
    expect(loadAppConfig({ BULK_BODY_LIMIT_BYTES: '1048576' }).bulkBodyLimitBytes).toBe(1_048_576);
    expect(loadAppConfig({ BODY_LIMIT_BYTES: String(8 * 1024 * 1024) }).bulkBodyLimitBytes).toBe(8 * 1024 * 1024);
  });

  it.each([
    [{ BULK_BODY_LIMIT_BYTES: 'big' }, 'BULK_BODY_LIMIT_BYTES must be an integer number'],
    [{ BULK_BODY_LIMIT_BYTES: '100' }, 'BULK_BODY_LIMIT_BYTES must not be less than 1024'],
    [{ BULK_BODY_LIMIT_BYTES: String(65 * 1024 * 1024) }, 'BULK_BODY_LIMIT_BYTES must not be greater than 67108864'],
    [{ BULK_BODY_LIMIT_BYTES: '2048', BODY_LIMIT_BYTES: '4096' }, 'BULK_BODY_LIMIT_BYTES (2048) must not be smaller than BODY_LIMIT_BYTES (4096)'],
  ])('refuses %o at start, naming the variable', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(ConfigurationError);
    expect(() => loadAppConfig(env)).toThrow(message);
  });
});

describe('READ_YOUR_WRITES_TIMEOUT_MS, retired', () => {
  it('still starts, told the variable does nothing now', () => {
    const config = loadAppConfig({ READ_YOUR_WRITES_TIMEOUT_MS: '30000', HTTP_IDLE_TIMEOUT_MS: '20000' });
    expect(config.httpIdleTimeoutMs).toBe(20_000);
    expect(config.deprecations).toEqual([expect.stringContaining('READ_YOUR_WRITES_TIMEOUT_MS is ignored')]);
  });

  it('says nothing when it is not set', () => {
    expect(loadAppConfig({}).deprecations).toEqual([]);
  });
});

describe('The topology in the configuration', () => {
  const full = { DATABASE_URL: 'postgres://u@db/keys', REDIS_URL: 'redis://cache', KAFKA_BROKERS: 'k:9092', KEY_PEPPER: 'p'.repeat(16), ROOT_API_KEY: 'r'.repeat(16) };

  it('is embedded by default and distributed with all three switches', () => {
    expect(loadAppConfig({}).topology.kind).toBe('embedded');
    expect(loadAppConfig(full).topology.kind).toBe('distributed');
  });

  it.each([
    [{ DATABASE_URL: full.DATABASE_URL }, 'REDIS_URL and KAFKA_BROKERS are not'],
    [{ DATABASE_URL: full.DATABASE_URL, REDIS_URL: full.REDIS_URL }, 'KAFKA_BROKERS is not'],
    [{ REDIS_URL: full.REDIS_URL }, 'DATABASE_URL and KAFKA_BROKERS are not'],
    [{ KAFKA_BROKERS: full.KAFKA_BROKERS }, 'DATABASE_URL and REDIS_URL are not'],
  ])('refuses to start on %o, naming what is missing', (env, missing) => {
    expect(() => loadAppConfig({ ...env, KEY_PEPPER: full.KEY_PEPPER, ROOT_API_KEY: full.ROOT_API_KEY })).toThrow(ConfigurationError);
    expect(() => loadAppConfig({ ...env, KEY_PEPPER: full.KEY_PEPPER, ROOT_API_KEY: full.ROOT_API_KEY })).toThrow(missing);
  });

  it('needs the shared pepper and root key when distributed', () => {
    expect(() => loadAppConfig({ ...full, KEY_PEPPER: undefined })).toThrow('KEY_PEPPER is required in the distributed topology');
    expect(() => loadAppConfig({ ...full, ROOT_API_KEY: undefined })).toThrow('ROOT_API_KEY is required in the distributed topology');
  });
});
