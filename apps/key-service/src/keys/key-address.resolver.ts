import { ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import { KeyDomainError } from '@keys/domain';
import { KeyStreamAddress } from '@key-service/events';
import { KeyDetailsPgStore } from '@keys/projections';
import { Principal } from '../auth/principal';
import { KeyAddress } from './key-address';

export const ONLY_ROOT_NAMES_TENANT = 'Only the root key may name another tenant';

/**
 * Settles which tenant's key a request means. A tenant-bound key (admin, auditor) only ever
 * addresses its own tenant, so another tenant's ids are neither reachable nor detectable through
 * it. The root key spans tenants: it names one with `?tenant=`, or, without, gets the only tenant
 * holding that id (found in the query model), 404 when none does, 409 when several do.
 */
@Injectable()
export class KeyAddressResolver {
  constructor(private readonly details: KeyDetailsPgStore) {}

  async resolve(address: KeyAddress, principal: Principal): Promise<KeyStreamAddress> {
    const { keyId } = address;
    const tenant = tenantInScope(principal, address.tenant) ?? (await this.onlyTenantOf(keyId));
    if (tenant === null) throw new KeyDomainError('KEY_NOT_FOUND', `Key '${keyId}' not found`);
    return { tenant, keyId };
  }

  /** The one tenant holding `keyId` (null: none); 409 when several do. */
  async onlyTenantOf(keyId: string): Promise<string | null> {
    const tenants = await this.details.tenantsOf(keyId);
    if (tenants.length > 1) throw new ConflictException(`Key id '${keyId}' exists in several tenants; name one with ?tenant=`);
    return tenants[0] ?? null;
  }
}

/**
 * The tenant a request is confined to: a tenant-bound key's own (naming another is 403), or the
 * one the root key named; undefined when the root key named none (every tenant).
 */
export function tenantInScope(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.isRoot) return requested;
  if (requested !== undefined && requested !== principal.tenant) throw new ForbiddenException(ONLY_ROOT_NAMES_TENANT);
  // Only the root key spans tenants; any other principal without one is bound to none.
  if (principal.tenant === null) throw new ForbiddenException(ONLY_ROOT_NAMES_TENANT);
  return principal.tenant;
}
