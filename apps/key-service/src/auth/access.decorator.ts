import { ExecutionContext, SetMetadata, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/**
 * What a management route needs: `manage` (root or admin), `read` (also auditor), `report-leaks`
 * (also security), `reveal` (root or revealer) or `manage-vault` (root only).
 */
export type Access = 'manage' | 'read' | 'report-leaks' | 'reveal' | 'manage-vault';
/** What a route declares: a management access, or `public` (no management key; see public.decorator.ts). */
export type RouteAccess = Access | 'public';
export const ACCESS_METADATA = 'key-service:access';

export const RequireAccess = (access: Access) => SetMetadata(ACCESS_METADATA, access);

/**
 * What a route declares, its method's declaration overriding its controller's; undefined when
 * neither declares one. The guard and the route-inventory test both ask here, so they cannot
 * disagree on what a route is.
 */
export function declaredAccess(
  reflector: Reflector,
  route: { getHandler: ExecutionContext['getHandler']; getClass(): Type<unknown> },
): RouteAccess | undefined {
  return reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [route.getHandler(), route.getClass()]);
}
