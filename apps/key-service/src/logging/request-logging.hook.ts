import { FastifyInstance, onRequestHookHandler } from 'fastify';
import { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { VERIFY_PATH } from '../keys/verifying/verify-key.route';

/**
 * Routes whose requests are not logged: verify is the hot path, where a log line would cost more
 * than the verify itself and the key_verify_duration_seconds histogram already accounts for every
 * call; health and metrics are polled by machines.
 */
const UNLOGGED_ROUTES = new Set([VERIFY_PATH, '/health', '/metrics']);

/**
 * Request logging as Fastify hooks rather than Nest middleware: any Nest middleware makes Nest
 * mount @fastify/middie, whose per-request matching cost every request, verify included, about a
 * fifth of its throughput (measured; see docs/verification.md). pino-http still writes the lines,
 * so they read as before: one "request completed" per request with status and response time.
 * Must be called before routes are registered. Registers nothing when the logger is above `info`.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  // pino-http writes every line at `info`, failed requests included (no customLogLevel here), and
  // LOG_LEVEL is fixed at start: above `info` it would write nothing, yet cost every request a
  // child logger and two response listeners (about 5% of a create's CPU at LOG_LEVEL=warn).
  if (!logger.isLevelEnabled('info')) return;
  const log = pinoHttp({
    logger,
    // Neither headers nor bodies: headers carry management keys, bodies plaintext keys (verify, create responses).
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  const logRequest: onRequestHookHandler = (request, reply, done) => {
    // pino-http takes the id already on the request, so its lines carry Fastify's request id.
    (request.raw as { id?: string }).id = request.id;
    log(request.raw, reply.raw);
    done();
  };
  // Decided once per route as it is registered (so `/health?probe=1` is the health route too):
  // an unlogged route carries no logging hook at all and pays nothing per request.
  fastify.addHook('onRoute', (route) => {
    if (UNLOGGED_ROUTES.has(route.url)) return;
    route.onRequest = [logRequest, ...(route.onRequest ? [route.onRequest].flat() : [])];
  });
  // Requests no route matched (probes, typos) are logged too.
  fastify.addHook('onRequest', (request, reply, done) => (request.is404 ? logRequest.call(fastify, request, reply, done) : done()));
}
