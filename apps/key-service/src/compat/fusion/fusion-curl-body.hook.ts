import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyRequest } from 'fastify';

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
 * only: this preParsing hook relabels such a body `application/json` before Fastify picks a
 * parser (preParsing runs after routing, before parsing). Every other route has no parser for
 * form bodies and answers 415 (json-body.parser.ts).
 */
@Injectable()
export class FusionCurlBodyHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Callback style, not async: it runs on every request with a body, verify's included, and an
    // async hook costs each of them a promise and a turn of the microtask queue.
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      if (isCurlJsonToFusion(request)) request.headers['content-type'] = 'application/json';
      done(null, payload);
    });
  }
}
