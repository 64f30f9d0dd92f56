import { RouteConfig } from '@nestjs/platform-fastify';

/** The value of a route's `config.bodyLimit` that gives it BULK_BODY_LIMIT_BYTES (body-limits.hook.ts). */
export const BULK_BODY = 'bulk';

/**
 * Marks a route whose body carries up to 1,000 items (batch create, import): it reads bodies up to
 * BULK_BODY_LIMIT_BYTES instead of BODY_LIMIT_BYTES. Every other route keeps the small limit, so a
 * large body costs the service only where one is expected, behind a management key.
 */
export const BulkBody = (): MethodDecorator => RouteConfig({ bodyLimit: BULK_BODY });

/** The 413 of a bulk route, in its OpenAPI description. */
export const BULK_BODY_TOO_LARGE = 'The body is larger than BULK_BODY_LIMIT_BYTES (4 MiB by default); nothing was changed.';
