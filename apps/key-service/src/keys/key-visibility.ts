import { ApiKey, KeyDomainError } from '@keys/domain';
import { Principal, seesTenant } from '../auth/principal';

/** Another tenant's key answers exactly like a missing one. */
export function requireVisibleKey(loaded: { readonly key: ApiKey }, keyId: string, principal: Principal): string {
  return requireVisibleTenant(loaded.key.exists ? loaded.key.state.tenant : null, keyId, principal);
}

/** `tenant` is the key's (null: no such key), as any of its events carries it. */
export function requireVisibleTenant(tenant: string | null, keyId: string, principal: Principal): string {
  if (tenant === null || !seesTenant(principal, tenant)) throw new KeyDomainError('KEY_NOT_FOUND', `Key '${keyId}' not found`);
  return tenant;
}
