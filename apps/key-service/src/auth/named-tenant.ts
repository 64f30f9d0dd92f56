import { ForbiddenException } from '@nestjs/common';
import { Principal } from './principal';

/**
 * A `tenant` a caller names (query or body) is taken from a tenant-bound key only when it is the
 * key's own: ignoring another one silently would answer a question the caller did not ask.
 */
export function requireOwnTenantUnlessRoot(principal: Principal, named: string | undefined): void {
  if (named !== undefined && !principal.isRoot && named !== principal.tenant)
    throw new ForbiddenException('Only the root key may name another tenant');
}
