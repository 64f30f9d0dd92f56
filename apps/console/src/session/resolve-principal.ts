import { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import { KeyRecord, Principal } from '../api/api.types';

const MANAGEMENT_ROLES = ['admin', 'auditor'];

/**
 * Who a key is, by the API's own answers: whoami knows every issued key; the root key is not an
 * issued key, so it is the one whoami refuses and the list route accepts.
 */
export async function resolvePrincipal(key: string): Promise<Principal> {
  const whoami = await fetch('/v1/keys/whoami', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (whoami.ok) {
    const record = (await whoami.json()) as KeyRecord;
    if (!record.roles.some((role) => MANAGEMENT_ROLES.includes(role)))
      throw new ApiError(403, `Key '${record.id}' has neither the admin nor the auditor role, so it cannot sign in`);
    return { kind: 'key', keyId: record.id, tenant: record.tenant, roles: record.roles };
  }
  // Not an issued key that verifies: either the root key, or a key the API refuses (its message says why).
  await new ApiClient(key, () => undefined).get('/v1/keys', { limit: '1' });
  return { kind: 'root' };
}
