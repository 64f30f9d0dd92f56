import { SetMetadata } from '@nestjs/common';
import { ACCESS_METADATA, RouteAccess } from './access.decorator';

/**
 * Opens a route (or every route of a controller) to callers without a management key. Routes are
 * management routes by default: without this or `@RequireAccess`, the guard wants a managing key.
 * Plain Fastify routes, which the guard never sees, are listed in public-fastify-routes.ts instead.
 */
export const Public = () => SetMetadata(ACCESS_METADATA, 'public' satisfies RouteAccess);
