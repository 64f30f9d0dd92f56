import { loadSeed } from '../../../../../test/support/seeds/seed-schema';
import { startTestApp, TEST_ROOT_KEY, TestApp } from '../../../../../test/support/test-app';
import { bearer, eventTypes, keyCount, RFC3339, tagsOf, tenantKey, UUID, verify } from '../../../../../test/support/compat/compat-e2e.helpers';
import { CheckedRequest, ContractRule, contractClient } from '../../../../../test/support/compat/dialect-contract.client';
import { orgIdOfTenant } from './org-id';

/**
 * The org-scoped v2 API keys API: seed 002, a rendered reference page whose response model the
 * seed loader reads back. Every response is checked against it; the added list, get and delete
 * answer the same model without `private_key`.
 */
describe('compat: org-scoped v2 /api/v2/api-keys', () => {
  let t: TestApp;
  let v2: CheckedRequest;

  const seed = loadSeed('002');
  const created = seed.response('POST', '/api/v2/api-keys', 200, { closed: true });
  const listed = { without: ['private_key'], closed: true };
  const CONTRACT: ContractRule[] = [
    { route: 'POST /api/v2/api-keys', status: 200, schema: created },
    { route: 'POST /api/v2/api-keys/', status: 200, schema: created },
    { route: 'GET /api/v2/api-keys', status: 200, schema: seed.arrayOf('V2APIKeyCreateResponse', listed) },
    { route: 'GET /api/v2/api-keys/{id}', status: 200, schema: seed.component('V2APIKeyCreateResponse', listed) },
    { route: 'DELETE /api/v2/api-keys/{id}', status: 200, schema: seed.component('V2APIKeyCreateResponse', listed) },
    ...['POST /api/v2/api-keys', 'POST /api/v2/api-keys/', 'GET /api/v2/api-keys', 'GET /api/v2/api-keys/{id}', 'DELETE /api/v2/api-keys/{id}'].map(
      (route): ContractRule => ({ route, status: '4xx', noSchema: "002 shows no error response; errors are FastAPI's {detail}" }),
    ),
  ];

  beforeAll(async () => {
    t = await startTestApp();
    v2 = contractClient(t, CONTRACT);
  });
  afterAll(async () => {
    await t.close();
  });

  let key: { id: string; private_key: string };

  it('replays the curl: POST /api/v2/api-keys/ with Bearer, every documented field', async () => {
    const r = await v2('POST', '/api/v2/api-keys/', {
      headers: { ...bearer(TEST_ROOT_KEY), 'Content-Type': 'application/json' },
      rawBody: '\n{\n  "name": "<string>",\n  "description": "<string>"\n}\n',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      name: '<string>',
      description: '<string>',
      org_id: orgIdOfTenant('default'),
      is_revoked: false,
      revoked_at: null,
      last_used_at: null,
      environment: null,
    });
    expect(typeof r.body.private_key).toBe('string');
    // Masked: not the private key, but recognisably its ending.
    expect(r.body.private_key_display).not.toBe(r.body.private_key);
    expect(r.body.private_key_display.endsWith(r.body.private_key.slice(-4))).toBe(true);
    key = { id: r.body.id, private_key: r.body.private_key };
  });

  it('accepts the path without the trailing slash and a null description', async () => {
    const r = await v2('POST', '/api/v2/api-keys', { headers: bearer(TEST_ROOT_KEY), body: { name: 'no slash', description: null } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'no slash', description: null });
  });

  it('org_id is a stable UUIDv5 of a non-UUID tenant, and a UUID tenant itself', async () => {
    expect(orgIdOfTenant('default')).toMatch(UUID);
    expect(orgIdOfTenant('default')).toBe(orgIdOfTenant('default'));
    expect(orgIdOfTenant('default')).not.toBe(orgIdOfTenant('acme'));
    expect(orgIdOfTenant('3C90C3CC-0D44-4B50-8888-8DD25736052A')).toBe('3c90c3cc-0d44-4b50-8888-8dd25736052a');
    const org = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
    const admin = await tenantKey(t, org);
    const r = await v2('POST', '/api/v2/api-keys', { headers: bearer(admin), body: { name: 'in a uuid org' } });
    expect(r.status).toBe(200);
    expect(r.body.org_id).toBe(org);
    const list = await v2('GET', '/api/v2/api-keys', { headers: bearer(admin) });
    expect((list.body as { org_id: string }[]).every((k) => k.org_id === org)).toBe(true);
  });

  it('is the same key on /v1: visible, verifiable, audited', async () => {
    const native = await t.request('GET', `/v1/keys/${key.id}`);
    expect(native.status).toBe(200);
    expect(native.body).toMatchObject({ id: key.id, name: '<string>', description: '<string>', tenant: 'default' });
    expect(await verify(t, key.private_key)).toMatchObject({ valid: true, code: 'VALID', keyId: key.id });
    expect(await eventTypes(t, key.id)).toEqual(['KeyCreated']);
  });

  it('lists and gets without private_key (added routes), /v1 keys included', async () => {
    const native = await t.request('POST', '/v1/keys', { body: { name: 'native', environment: 'production' } });
    const list = await v2('GET', '/api/v2/api-keys', { headers: bearer(TEST_ROOT_KEY) });
    expect(list.status).toBe(200);
    for (const item of list.body) expect(item).not.toHaveProperty('private_key');
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: native.body.id, environment: 'production' })]));
    const one = await v2('GET', `/api/v2/api-keys/${key.id}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('private_key');
    expect(one.body).toMatchObject({ id: key.id, name: '<string>' });
  });

  it('deletes (revokes): is_revoked and revoked_at set, verify says REVOKED', async () => {
    const r = await v2('DELETE', `/api/v2/api-keys/${key.id}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(r.status).toBe(200);
    expect(r.body.is_revoked).toBe(true);
    expect(r.body.revoked_at).toMatch(RFC3339);
    expect(await verify(t, key.private_key)).toMatchObject({ valid: false, code: 'REVOKED' });
    expect(await eventTypes(t, key.id)).toEqual(['KeyCreated', 'KeyRevoked']);
  });

  it.each([
    ['missing name', {}, 'missing', 'name'],
    ['an empty name', { name: '' }, 'string_too_short', 'name'],
    ['a name over 100', { name: 'n'.repeat(101) }, 'string_too_long', 'name'],
    ['a name not a string', { name: 42 }, 'string_type', 'name'],
    ['a description over 255', { name: 'x', description: 'd'.repeat(256) }, 'string_too_long', 'description'],
  ])('refuses %s with FastAPI 422 {detail: [{type, loc, msg, input}]}, storing nothing', async (_, body, type, field) => {
    const before = await keyCount(t);
    const r = await v2('POST', '/api/v2/api-keys', { headers: bearer(TEST_ROOT_KEY), body });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ detail: [expect.objectContaining({ type, loc: ['body', field], msg: expect.any(String) })] });
    expect(r.body.detail[0]).toHaveProperty('input');
    expect(await keyCount(t)).toBe(before);
  });

  it('ignores unknown fields, as pydantic does', async () => {
    const r = await v2('POST', '/api/v2/api-keys', { headers: bearer(TEST_ROOT_KEY), body: { name: 'extra', org_id: 'x', roles: ['admin'] } });
    expect(r.status).toBe(200);
    expect((await t.request('GET', `/v1/keys/${r.body.id}`)).body.roles).toEqual([]);
  });

  it('answers 401 {detail} without a token or with a bad one, 404 {detail} for an unknown key', async () => {
    expect(await v2('POST', '/api/v2/api-keys', { key: null, body: { name: 'x' } })).toMatchObject({ status: 401, body: { detail: expect.any(String) } });
    const bad = await v2('GET', '/api/v2/api-keys', { headers: { Authorization: 'Bearer nope' } });
    expect(bad).toMatchObject({ status: 401, body: { detail: expect.any(String) } });
    expect(await v2('GET', '/api/v2/api-keys/missing', { headers: bearer(TEST_ROOT_KEY) })).toMatchObject({
      status: 404,
      body: { detail: expect.any(String) },
    });
  });

  it('documents the routes under the v2 tag', async () => {
    const tag = 'compat: org-scoped v2 API';
    expect(await tagsOf(t, '/api/v2/api-keys')).toEqual({ post: [tag], get: [tag] });
    expect(await tagsOf(t, '/api/v2/api-keys/{id}')).toEqual({ get: [tag], delete: [tag] });
  });
});
