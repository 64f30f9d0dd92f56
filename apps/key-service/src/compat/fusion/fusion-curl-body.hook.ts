import { FastifyInstance, FastifyRequest, preParsingHookHandler } from 'fastify';

const FORM = /^application\/x-www-form-urlencoded\b/i;
const FUSION_ROUTES = /^\/api\/api-key(\/|$)/;

/** True for a Fusion route whose JSON body was sent the way Fusion's own curl examples send it. */
export function isCurlJsonToFusion(request: Pick<FastifyRequest, 'headers' | 'routeOptions'>): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && FORM.test(type) && FUSION_ROUTES.test(request.routeOptions.url ?? '');
}

/**
 * Fusion's guide creates keys with `curl -X POST … -d '{"name": …}'`, and `curl -d` labels the
 * JSON `application/x-www-form-urlencoded`. Fusion reads it as JSON; so do we, on Fusion's routes
 * only: a preParsing hook relabels such a body `application/json` before Fastify picks a parser
 * (preParsing runs after routing, before parsing). Every other route has no parser for form
 * bodies and answers 415 (json-body.parser.ts).
 *
 * The hook is given to Fusion's routes alone, as each is added (onRoute), rather than to the
 * instance: as an instance hook it ran on every request with a body, create's and revoke's
 * included, and a route without preParsing hooks skips Fastify's hook runner altogether.
 * Must be called before routes are registered, like registerRequestLogging.
 */
export function registerFusionCurlBody(fastify: FastifyInstance): void {
  // Callback style, not async: an async hook costs each request a promise and a turn of the microtask queue.
  const relabel: preParsingHookHandler = (request, _reply, payload, done) => {
    if (isCurlJsonToFusion(request)) request.headers['content-type'] = 'application/json';
    done(null, payload);
  };
  fastify.addHook('onRoute', (route) => {
    if (!FUSION_ROUTES.test(route.url)) return;
    route.preParsing = [relabel, ...(route.preParsing ? [route.preParsing].flat() : [])];
  });
}
