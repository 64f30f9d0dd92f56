import { KeyDomainError } from '@keys/domain';
import { Principal, seesTenant } from '../auth/principal';
import { LoadedKey } from './key.repository';

/** Another tenant's key answers exactly like a missing one. */
export function requireVisibleKey(loaded: LoadedKey, keyId: string, principal: Principal): string {
  if (!loaded.key.exists || !seesTenant(principal, loaded.key.state.tenant))
    throw new KeyDomainError('KEY_NOT_FOUND', `Key '${keyId}' not found`);
  return loaded.key.state.tenant;
}
