import { createHash } from 'node:crypto';
import { isUuid } from '../uuid';

/** RFC 9562 namespace for URLs, the base of our own namespace below. */
const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** UUIDv5 (SHA-1, name-based): the same name always gives the same UUID. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The namespace of tenant-derived org ids: uuidV5('urn:key-service:tenant', NAMESPACE_URL). */
export const TENANT_ORG_NAMESPACE = uuidV5('urn:key-service:tenant', NAMESPACE_URL);

/**
 * The v2 API's `org_id` (format uuid) of a tenant. Tenants are free strings ("default", "acme"):
 * a tenant that is a UUID is its own org id; any other gets a stable UUIDv5 of its name, so the
 * same tenant shows the same org id on every call and every instance, with nothing stored.
 */
export function orgIdOfTenant(tenant: string): string {
  return isUuid(tenant) ? tenant.toLowerCase() : uuidV5(tenant, TENANT_ORG_NAMESPACE);
}
