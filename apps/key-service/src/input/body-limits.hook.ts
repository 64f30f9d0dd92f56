import { HttpException, PayloadTooLargeException } from '@nestjs/common';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { BULK_BODY } from './bulk-body.decorator';

/**
 * Gives each route marked @BulkBody() the bulk limit. Fastify reads a route's own `bodyLimit`
 * before its content-type parser's, so the one JSON parser (json-body.parser.ts) serves both
 * limits. Added before any route is: onRoute sees only the routes added after it.
 */
export function registerBodyLimits(fastify: FastifyInstance, bulkBodyLimitBytes: number): void {
  fastify.addHook('onRoute', (route) => {
    if (isBulk(route.config)) route.bodyLimit = bulkBodyLimitBytes;
  });
}

/**
 * Fastify's own 413 (FST_ERR_CTP_BODY_TOO_LARGE), raised while the body is read; Nest hands it to
 * the filters as an HttpException with Fastify's message and status, its code dropped. No route
 * here sends a 413 of its own.
 */
export function isBodyTooLarge(error: unknown): boolean {
  if (error instanceof HttpException) return error.getStatus() === 413;
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE';
}

/** The 413 in words a client can act on: this route's limit, in bytes, and the setting that sets it. */
export function bodyTooLarge(request: FastifyRequest): PayloadTooLargeException {
  const setting = isBulk(request.routeOptions.config) ? 'BULK_BODY_LIMIT_BYTES' : 'BODY_LIMIT_BYTES';
  return new PayloadTooLargeException(`Request body is larger than ${request.routeOptions.bodyLimit} bytes, this route's limit (${setting})`);
}

function isBulk(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as { bodyLimit?: unknown }).bodyLimit === BULK_BODY;
}
