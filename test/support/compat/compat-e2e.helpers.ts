import { TestApp } from '../test-app';

/** RFC 3339 date-time, what OpenAPI's `format: date-time` means. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** The Authorization header the Bearer-speaking seeds use. */
export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An admin (or auditor) key bound to `tenant`, created through /v1 with the root key. */
export async function tenantKey(t: TestApp, tenant: string, role: 'admin' | 'auditor' = 'admin'): Promise<string> {
  const r = await t.request('POST', '/v1/keys', { body: { name: `${tenant} ${role}`, tenant, roles: [role] } });
  expect(r.status).toBe(201);
  return r.body.key as string;
}

export async function verify(t: TestApp, key: string): Promise<{ valid: boolean; code: string; keyId?: string }> {
  const r = await t.request('POST', '/v1/keys/verify', { key: null, body: { key } });
  expect(r.status).toBe(200);
  return r.body;
}

export async function eventTypes(t: TestApp, keyId: string): Promise<string[]> {
  const r = await t.request('GET', `/v1/keys/${encodeURIComponent(keyId)}/events`);
  expect(r.status).toBe(200);
  return (r.body.items as { type: string }[]).map((e) => e.type);
}

/** How many keys exist, across tenants: to show a refused request stored nothing. */
export async function keyCount(t: TestApp): Promise<number> {
  const r = await t.request('GET', '/v1/keys?limit=200');
  expect(r.status).toBe(200);
  return (r.body.items as unknown[]).length;
}

/** The tags of an OpenAPI path's operations. */
export async function tagsOf(t: TestApp, path: string): Promise<Record<string, string[]>> {
  const r = await t.request('GET', '/docs/json', { key: null });
  expect(r.status).toBe(200);
  const item = r.body.paths[path] as Record<string, { tags?: string[] }> | undefined;
  expect(item).toBeDefined();
  return Object.fromEntries(Object.entries(item ?? {}).map(([method, op]) => [method, op.tags ?? []]));
}

/** One year from now, whole seconds: a valid future expiry. */
export function nextYear(): string {
  return new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
