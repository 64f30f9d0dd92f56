import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { FastifyInstance } from 'fastify';

/** Where the console is served; its Vite build uses the same base (apps/console/vite.config.mts). */
export const CONSOLE_PREFIX = '/console';

/**
 * The built console: `dist/console` at the repository root. From the sources (ts-jest) this file is
 * four levels below the root, from the build (dist/apps/key-service/src/console) four below dist.
 */
export function consoleRoot(): string | undefined {
  const candidates = [resolve(__dirname, '../../../../dist/console'), resolve(__dirname, '../../../../console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * The operator console's static files, with a strict Content-Security-Policy. Registered as an
 * encapsulated plugin (no fastify-plugin wrapper) so helmet's hook runs for these routes only: the
 * verify route, which is benchmarked, gets no extra hook. The console holds no key data of its
 * own; every API call it makes carries the operator's management key.
 */
export async function consoleStaticPlugin(scope: FastifyInstance, options: { root?: string }): Promise<void> {
  await scope.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // The console never needs to be framed or to leak where the operator came from.
    referrerPolicy: { policy: 'no-referrer' },
  });
  // The console's assets are relative to /console/, so the bare path must gain its slash.
  scope.get(CONSOLE_PREFIX, async (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 301));
  const root = options.root ?? consoleRoot();
  if (root === undefined) {
    // The API works without the console; say how to get it rather than answer a bare 404.
    scope.get(`${CONSOLE_PREFIX}/*`, async (_request, reply) =>
      reply.code(404).type('text/plain').send('The console is not built: run `npm run build`.'),
    );
    return;
  }
  await scope.register(fastifyStatic, {
    root,
    prefix: `${CONSOLE_PREFIX}/`,
    // The index is the only page: the console keeps its routes in the URL's hash.
    index: ['index.html'],
    // @nestjs/swagger's own copy of @fastify/static decorates the reply already.
    decorateReply: false,
    setHeaders: (response, path) => {
      // Vite names built assets by their content hash, so they never change; the index may.
      response.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
