import { GITHUB_LEAKS_PATH } from '../keys/leaks/github-leak-report.route';
import { VERIFY_PATH } from '../keys/verifying/verify-key.route';

/** A plain Fastify route (not a Nest controller) open to callers without a management key. */
export interface PublicFastifyRoute {
  readonly methods: readonly string[];
  /** The route's url as registered; a RegExp for a family of routes another library registers. */
  readonly url: string | RegExp;
  readonly why: string;
}

/**
 * The only routes the management guard never sees: Nest's guards run for Nest controllers alone,
 * and these are registered on Fastify directly. Every other route of the app is a Nest route, and
 * management-authenticated unless marked @Public(). The route-inventory test
 * (test/e2e/route-access.e2e.spec.ts) fails on any Fastify route that is neither listed here nor a
 * Nest route, so a route that bypasses the guard cannot be added without being listed.
 */
export const PUBLIC_FASTIFY_ROUTES: readonly PublicFastifyRoute[] = [
  {
    methods: ['POST'],
    url: VERIFY_PATH,
    why: 'Answers any key holder whether a key is valid; Fastify-level for speed (verify-key.route.ts)',
  },
  {
    methods: ['POST'],
    url: GITHUB_LEAKS_PATH,
    why: "GitHub's secret scanning reports leaked keys here; each request is authenticated by GitHub's ECDSA signature over its body instead (github-leak-report.route.ts)",
  },
  {
    methods: ['GET', 'HEAD'],
    // /docs, /docs/json, /docs-yaml and the Swagger UI assets under /docs/, all from @nestjs/swagger.
    url: /^\/docs(-yaml|\/.*)?$/,
    why: 'The OpenAPI document and its UI describe the API; they hold no key data',
  },
  {
    methods: ['GET', 'HEAD'],
    // /console (a redirect to /console/) and /console/* (the built files), from @fastify/static.
    url: /^\/console(\/.*)?$/,
    why: 'The operator console is static files; every API call it makes carries the operator\'s management key',
  },
];

export function isPublicFastifyRoute(method: string, url: string): boolean {
  return PUBLIC_FASTIFY_ROUTES.some(
    (route) => route.methods.includes(method) && (typeof route.url === 'string' ? route.url === url : route.url.test(url)),
  );
}
