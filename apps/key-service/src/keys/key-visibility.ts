import { ApiKey, KeyDomainError } from '@keys/domain';
import { Principal, seesTenant } from '../auth/principal';

/** Another tenant's key answers exactly like a missing one. */
export function requireVisibleKey(loaded: { readonly key: ApiKey }, keyId: string, principal: Principal): string {
  if (!loaded.key.exists || !seesTenant(principal, loaded.key.state.tenant))
    throw new KeyDomainError('KEY_NOT_FOUND', `Key '${keyId}' not found`);
  return loaded.key.state.tenant;
}
