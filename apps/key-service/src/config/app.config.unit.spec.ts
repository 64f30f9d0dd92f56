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
    [{ HTTP_IDLE_TIMEOUT_MS: '5000' }, 'HTTP_IDLE_TIMEOUT_MS (5000) must be longer than READ_YOUR_WRITES_TIMEOUT_MS (5000)'],
    [{ HTTP_IDLE_TIMEOUT_MS: '20000', READ_YOUR_WRITES_TIMEOUT_MS: '30000' }, 'HTTP_IDLE_TIMEOUT_MS (20000) must be longer than READ_YOUR_WRITES_TIMEOUT_MS (30000)'],
  ])('refuses %o at start, naming the variable', (env, message) => {
    expect(() => loadAppConfig(env)).toThrow(ConfigurationError);
    expect(() => loadAppConfig(env)).toThrow(message);
  });
});
