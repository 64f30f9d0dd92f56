import { loadSeed } from '../../../../../test/support/seeds/seed-schema';
import { startTestApp, TEST_ROOT_KEY, TestApp } from '../../../../../test/support/test-app';
import { eventTypes, keyCount, tagsOf, tenantKey, verify } from '../../../../../test/support/compat/compat-e2e.helpers';
import { CheckedRequest, ContractRule, contractClient } from '../../../../../test/support/compat/dialect-contract.client';

/**
 * Lucidworks Fusion 5.9: seeds 000 (OpenAPI of create) and 004 (the API keys guide, prose). Every
 * response is checked against 000's schema where one applies: the guide's list and get answer
 * 000's ApiKeyDto without the key (its examples are exactly that).
 */
describe('compat: Lucidworks Fusion /api/api-key', () => {
  let t: TestApp;
  let fusion: CheckedRequest;

  const seed = loadSeed('000');
  const listed = { without: ['key'], closed: true };
  const CONTRACT: ContractRule[] = [
    { route: 'POST /api/api-key', status: 200, schema: seed.response('POST', '/api/api-key', 200, { closed: true }) },
    { route: 'GET /api/api-key', status: 200, schema: seed.arrayOf('ApiKeyDto', listed) },
    { route: 'GET /api/api-key/{id}', status: 200, schema: seed.component('ApiKeyDto', listed) },
    { route: 'DELETE /api/api-key/{id}', status: 200, noSchema: '004 (prose) says 200 and shows no body; we send none' },
    { route: 'GET /api/roles', status: 200, noSchema: '000 and 004 only refer to GET /roles; neither describes its body' },
    ...['POST /api/api-key', 'GET /api/api-key', 'GET /api/api-key/{id}', 'DELETE /api/api-key/{id}', 'GET /api/roles'].map(
      (route): ContractRule => ({ route, status: '4xx', noSchema: "000's only error, 500, has no body schema; errors keep the native shape" }),
    ),
  ];

  beforeAll(async () => {
    t = await startTestApp();
    fusion = contractClient(t, CONTRACT);
  });
  afterAll(async () => {
    await t.close();
  });

  const GUIDE_BODY = { name: 'searchaccess', id: 'api-key-searchaccess-16744867518441', roles: ['rules', 'search-template', 'search'] };

  let guideKey: string;

  it('creates the guide example as curl sends it (-d: form-urlencoded label, JSON body), 200 with the key', async () => {
    const raw = `
{
"name": "searchaccess",
"id": "api-key-searchaccess-16744867518441",
"roles": ["rules", "search-template", "search"]
}
`;
    const r = await fusion('POST', '/api/api-key', {
      headers: { 'x-api-key': TEST_ROOT_KEY, 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: raw,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ...GUIDE_BODY, disabled: false, key: expect.any(String) });
    expect(r.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    guideKey = r.body.key;
  });

  it('creates the OpenAPI example with a JSON body, 200', async () => {
    const r = await fusion('POST', '/api/api-key', {
      headers: { 'x-api-key': TEST_ROOT_KEY },
      body: { id: 'test-key-id', name: 'test-key-name', roles: ['developer', 'search'] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'test-key-name', id: 'test-key-id', roles: ['developer', 'search'], disabled: false });
  });

  it('lists keys without the key value, with x-api-key and with apiKey', async () => {
    for (const header of ['x-api-key', 'apiKey']) {
      const r = await fusion('GET', '/api/api-key', { headers: { [header]: TEST_ROOT_KEY } });
      expect(r.status).toBe(200);
      for (const item of r.body) expect(item).not.toHaveProperty('key');
      expect(r.body).toEqual(expect.arrayContaining([expect.objectContaining({ ...GUIDE_BODY, disabled: false })]));
    }
  });

  it('gets one key without the key value', async () => {
    const r = await fusion('GET', `/api/api-key/${GUIDE_BODY.id}`, { headers: { apiKey: TEST_ROOT_KEY } });
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty('key');
    expect(r.body).toMatchObject(GUIDE_BODY);
  });

  it('the created key is the same key on /v1: visible, verifiable, audited', async () => {
    const native = await t.request('GET', `/v1/keys/${GUIDE_BODY.id}`);
    expect(native.status).toBe(200);
    expect(native.body).toMatchObject({ id: GUIDE_BODY.id, name: 'searchaccess', roles: GUIDE_BODY.roles, tenant: 'default', status: 'ACTIVE' });
    expect(await verify(t, guideKey)).toMatchObject({ valid: true, code: 'VALID', keyId: GUIDE_BODY.id });
    expect(await eventTypes(t, GUIDE_BODY.id)).toEqual(['KeyCreated']);
  });

  it('lists the roles in use at GET /api/roles', async () => {
    const r = await fusion('GET', '/api/roles');
    expect(r.status).toBe(200);
    const names = (r.body as { id: string; name: string }[]).map((role) => role.name);
    expect(names).toEqual(expect.arrayContaining(['developer', 'rules', 'search', 'search-template']));
  });

  it('shows a /v1 key, and a disabled one as disabled: true', async () => {
    const created = await t.request('POST', '/v1/keys', { body: { id: 'native-for-fusion', name: 'native', roles: ['search'] } });
    expect(created.status).toBe(201);
    expect((await t.request('POST', '/v1/keys/native-for-fusion/disable', { body: {} })).status).toBe(200);
    const one = await fusion('GET', '/api/api-key/native-for-fusion');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 'native-for-fusion', name: 'native', roles: ['search'], disabled: true });
    const list = await fusion('GET', '/api/api-key');
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'native-for-fusion', disabled: true })]));
  });

  it('deletes with 200: the key is revoked on /v1, verify says REVOKED, Fusion no longer shows it', async () => {
    const r = await fusion('DELETE', `/api/api-key/${GUIDE_BODY.id}`, { headers: { 'x-api-key': TEST_ROOT_KEY } });
    expect(r.status).toBe(200);
    expect(await verify(t, guideKey)).toMatchObject({ valid: false, code: 'REVOKED' });
    expect((await t.request('GET', `/v1/keys/${GUIDE_BODY.id}`)).body.status).toBe('REVOKED');
    expect(await eventTypes(t, GUIDE_BODY.id)).toEqual(['KeyCreated', 'KeyRevoked']);
    expect((await fusion('GET', `/api/api-key/${GUIDE_BODY.id}`)).status).toBe(404);
    expect((await fusion('DELETE', `/api/api-key/${GUIDE_BODY.id}`)).status).toBe(404);
    const list = await fusion('GET', '/api/api-key');
    expect((list.body as { id: string }[]).map((k) => k.id)).not.toContain(GUIDE_BODY.id);
  });

  it.each([
    ['missing id', { name: 'x' }, /id/],
    ['missing name', { id: 'no-name' }, /name/],
    ['roles not an array', { id: 'bad-roles', name: 'x', roles: 'search' }, /roles/],
    ['name not a string', { id: 'bad-name', name: 5 }, /name/],
    ['an unknown field', { id: 'extra', name: 'x', disabled: true }, /disabled/],
  ])('refuses %s with 400 in the native error shape, storing nothing', async (_, body, field) => {
    const before = await keyCount(t);
    const r = await fusion('POST', '/api/api-key', { body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(field) });
    expect(await keyCount(t)).toBe(before);
  });

  it('refuses a duplicate id with 409', async () => {
    const r = await fusion('POST', '/api/api-key', { body: { id: 'test-key-id', name: 'again' } });
    expect(r.status).toBe(409);
  });

  it('401 without a key; 403 for an auditor creating; tenant keys see only their tenant', async () => {
    expect((await fusion('GET', '/api/api-key', { key: null })).status).toBe(401);
    const auditor = await tenantKey(t, 'fusion-tenant', 'auditor');
    expect((await fusion('POST', '/api/api-key', { key: auditor, body: { id: 'by-auditor', name: 'x' } })).status).toBe(403);
    const admin = await tenantKey(t, 'fusion-tenant');
    const own = await fusion('POST', '/api/api-key', { key: admin, body: { id: 'fusion-tenant-key', name: 'own', roles: ['tenant-role'] } });
    expect(own.status).toBe(200);
    const list = await fusion('GET', '/api/api-key', { key: admin });
    const ids = (list.body as { id: string }[]).map((k) => k.id);
    expect(ids).toContain('fusion-tenant-key');
    expect(ids).not.toContain('test-key-id');
    expect((await fusion('GET', '/api/api-key/test-key-id', { key: admin })).status).toBe(404);
    const roles = await fusion('GET', '/api/roles', { key: admin });
    expect((roles.body as { name: string }[]).map((x) => x.name)).not.toContain('developer');
  });

  it('documents the routes under the Fusion tag', async () => {
    expect(await tagsOf(t, '/api/api-key')).toEqual({ post: ['compat: Lucidworks Fusion'], get: ['compat: Lucidworks Fusion'] });
    expect(await tagsOf(t, '/api/api-key/{id}')).toEqual({ get: ['compat: Lucidworks Fusion'], delete: ['compat: Lucidworks Fusion'] });
    expect(await tagsOf(t, '/api/roles')).toEqual({ get: ['compat: Lucidworks Fusion'] });
  });
});
