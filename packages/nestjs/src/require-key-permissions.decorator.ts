import { SetMetadata } from '@nestjs/common';
import { PermissionQuery } from '@key-service/verifier';
import { parsePermissionQuery } from '@key-service/verifier';

export const KEY_PERMISSIONS_METADATA = 'key-verification:permissions';

/** What the decorator leaves on a route: the query as written (for the 403's message) and parsed. */
export interface RequiredKeyPermissions {
  readonly query: string;
  readonly parsed: PermissionQuery;
}

/**
 * A permission query the presented key must satisfy on this route, e.g.
 * `@RequireKeyPermissions('(orders.read OR orders.write) AND billing.read')` (grammar:
 * docs/security.md); else 403 INSUFFICIENT_PERMISSIONS. Parsed here, when the class is defined, so
 * a malformed query stops the service at start (PermissionQueryError) and no request parses it.
 */
export const RequireKeyPermissions = (query: string) => {
  const parsed = parsePermissionQuery(query);
  return SetMetadata<string, RequiredKeyPermissions>(KEY_PERMISSIONS_METADATA, { query, parsed });
};
