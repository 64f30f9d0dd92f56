import { ServerOptions } from 'node:http';
import { AppConfig } from './app.config';

export interface HttpServerOptions {
  readonly requestTimeout: number;
  readonly connectionTimeout: number;
  readonly keepAliveTimeout: number;
  readonly http: ServerOptions;
}

/**
 * The timeouts that stop a client from holding a connection forever. Fastify turns node's
 * request timeout off by default, so a request whose headers promised 100 bytes and sent 10 was
 * held open indefinitely. Node enforces the request and headers timeouts by sweeping the
 * connections every `connectionsCheckingInterval` (30 s by default, longer than the timeout
 * itself); it is tied to the timeout here so a stalled request goes within a quarter of it.
 */
export function httpServerOptions(config: AppConfig): HttpServerOptions {
  const requestTimeout = config.httpRequestTimeoutMs;
  return {
    requestTimeout,
    connectionTimeout: config.httpIdleTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    http: {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(requestTimeout / 4))),
    },
  };
}
