import { startTestApp, TEST_ROOT_KEY, TestApp } from '../../../../../test/support/test-app';
import { bearer, eventTypes, keyCount, nextYear, RFC3339, tagsOf, tenantKey, verify } from '../compat-e2e.support';

/** Fireworks gateway: seed 003 (OpenAPI). The account is the tenant, the user the owner. */
describe('compat: Fireworks /v1/accounts/{account_id}/users/{user_id}/apiKeys', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const BASE = '/v1/accounts/acme/users/dev@acme.test/apiKeys';

  function expectGatewayApiKey(body: Record<string, unknown>, withKey: boolean): void {
    expect(typeof body.keyId).toBe('string');
    expect(typeof body.displayName).toBe('string');
    expect(body.createTime).toMatch(RFC3339);
    expect(body.secure).toBe(true);
    expect(typeof body.prefix).toBe('string');
    expect(typeof body.annotations).toBe('object');
    for (const f of ['expireTime', 'lastUsed']) if (f in body) expect(body[f]).toMatch(RFC3339);
    if ('email' in body) expect(typeof body.email).toBe('string');
    if (withKey) expect(typeof body.key).toBe('string');
    else expect(body).not.toHaveProperty('key');
  }

  const expireTime = nextYear();
  let created: { keyId: string; key: string };

  it('creates from GatewayCreateApiKeyBody with Bearer: 200 gatewayApiKey with the key', async () => {
    const r = await t.request('POST', BASE, {
      headers: bearer(TEST_ROOT_KEY),
      body: { apiKey: { displayName: 'ci', expireTime, annotations: { team: 'ml', purpose: 'ci' } } },
    });
    expect(r.status).toBe(200);
    expectGatewayApiKey(r.body, true);
    expect(r.body).toMatchObject({ displayName: 'ci', expireTime, annotations: { team: 'ml', purpose: 'ci' }, email: 'dev@acme.test' });
    expect(r.body).not.toHaveProperty('lastUsed');
    expect(r.body.key.startsWith(r.body.prefix)).toBe(true);
    created = { keyId: r.body.keyId, key: r.body.key };
  });

  it('defaults displayName to "default" and leaves unset fields out', async () => {
    const r = await t.request('POST', '/v1/accounts/acme/users/u-123/apiKeys', { headers: bearer(TEST_ROOT_KEY), body: { apiKey: {} } });
    expect(r.status).toBe(200);
    expectGatewayApiKey(r.body, true);
    expect(r.body.displayName).toBe('default');
    for (const f of ['expireTime', 'lastUsed', 'email']) expect(r.body).not.toHaveProperty(f);
  });

  it('accepts and ignores the read-only fields of gatewayApiKey', async () => {
    const r = await t.request('POST', BASE, {
      headers: bearer(TEST_ROOT_KEY),
      body: { apiKey: { displayName: 'ro', keyId: 'mine', key: 'sk_mine', secure: false, createTime: '2020-01-01T00:00:00Z' } },
    });
    expect(r.status).toBe(200);
    expect(r.body.keyId).not.toBe('mine');
    expect(r.body.key).not.toBe('sk_mine');
    expect(r.body.secure).toBe(true);
  });

  it('is the same key on /v1: tenant = account, owner = user; verifiable, audited', async () => {
    const native = await t.request('GET', `/v1/keys/${created.keyId}`);
    expect(native.status).toBe(200);
    expect(native.body).toMatchObject({ tenant: 'acme', owner: 'dev@acme.test', name: 'ci', annotations: { team: 'ml', purpose: 'ci' } });
    expect(await verify(t, created.key)).toMatchObject({ valid: true, code: 'VALID', keyId: created.keyId });
    expect(await eventTypes(t, created.keyId)).toEqual(['KeyCreated']);
  });

  it('lists the user\'s keys without the key (added route), /v1 keys of that account and user included', async () => {
    const native = await t.request('POST', '/v1/keys', { body: { name: 'native', tenant: 'acme', owner: 'dev@acme.test' } });
    expect(native.status).toBe(201);
    const r = await t.request('GET', BASE, { headers: bearer(TEST_ROOT_KEY) });
    expect(r.status).toBe(200);
    expect(typeof r.body.nextPageToken).toBe('string');
    for (const item of r.body.apiKeys) expectGatewayApiKey(item, false);
    const ids = (r.body.apiKeys as { keyId: string }[]).map((k) => k.keyId);
    expect(ids).toEqual(expect.arrayContaining([created.keyId, native.body.id]));
    const other = await t.request('GET', '/v1/accounts/acme/users/u-123/apiKeys', { headers: bearer(TEST_ROOT_KEY) });
    expect((other.body.apiKeys as { keyId: string }[]).map((k) => k.keyId)).not.toContain(created.keyId);
  });

  it('pages with pageSize and nextPageToken', async () => {
    const first = await t.request('GET', `${BASE}?pageSize=1`, { headers: bearer(TEST_ROOT_KEY) });
    expect(first.body.apiKeys).toHaveLength(1);
    expect(first.body.nextPageToken).not.toBe('');
    const second = await t.request('GET', `${BASE}?pageSize=1&pageToken=${first.body.nextPageToken}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(second.status).toBe(200);
    expect(second.body.apiKeys[0].keyId).not.toBe(first.body.apiKeys[0].keyId);
  });

  it('deletes with apiKeys:delete {keyId}: {} and revoked; verify says REVOKED; gone from the list', async () => {
    const r = await t.request('POST', `${BASE}:delete`, { headers: bearer(TEST_ROOT_KEY), body: { keyId: created.keyId } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    expect(await verify(t, created.key)).toMatchObject({ valid: false, code: 'REVOKED' });
    expect(await eventTypes(t, created.keyId)).toEqual(['KeyCreated', 'KeyRevoked']);
    const list = await t.request('GET', BASE, { headers: bearer(TEST_ROOT_KEY) });
    expect((list.body.apiKeys as { keyId: string }[]).map((k) => k.keyId)).not.toContain(created.keyId);
    const again = await t.request('DELETE', `${BASE}/${created.keyId}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(again).toMatchObject({ status: 404, body: { code: 5, message: expect.any(String), details: [] } });
  });

  it('deletes with DELETE …/apiKeys/{keyId}, only within the account and user of the path', async () => {
    const r = await t.request('POST', BASE, { headers: bearer(TEST_ROOT_KEY), body: { apiKey: { displayName: 'to delete' } } });
    const wrongUser = await t.request('DELETE', `/v1/accounts/acme/users/someone-else/apiKeys/${r.body.keyId}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(wrongUser.status).toBe(404);
    const wrongAccount = await t.request('DELETE', `/v1/accounts/other/users/dev@acme.test/apiKeys/${r.body.keyId}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(wrongAccount.status).toBe(404);
    const ok = await t.request('DELETE', `${BASE}/${r.body.keyId}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(ok).toMatchObject({ status: 200, body: {} });
    expect((await t.request('GET', `/v1/keys/${r.body.keyId}`)).body.status).toBe('REVOKED');
  });

  it('a tenant key may use its own account only: another account is 403 PERMISSION_DENIED', async () => {
    const admin = await tenantKey(t, 'acme');
    expect((await t.request('POST', BASE, { headers: bearer(admin), body: { apiKey: {} } })).status).toBe(200);
    for (const [method, body] of [['POST', { apiKey: {} }], ['GET', undefined]] as const) {
      const r = await t.request(method, '/v1/accounts/globex/users/dev/apiKeys', { headers: bearer(admin), body });
      expect(r).toMatchObject({ status: 403, body: { code: 7, message: expect.any(String), details: [] } });
    }
  });

  it.each([
    ['a missing apiKey', {}, /apiKey/],
    ['apiKey not an object', { apiKey: 'x' }, /apiKey/],
    ['displayName not a string', { apiKey: { displayName: 3 } }, /displayName/],
    ['expireTime not a date-time', { apiKey: { expireTime: 'soon' } }, /expireTime/],
    ['annotations with a non-string value', { apiKey: { annotations: { a: 1 } } }, /annotations/],
    ['an unknown field', { apiKey: { scopes: ['x'] } }, /scopes/],
    ['expireTime in the past', { apiKey: { expireTime: '2020-01-01T00:00:00Z' } }, /future/],
  ])('refuses %s with 400 {code: 3, message, details}, storing nothing', async (_, body, pattern) => {
    const before = await keyCount(t);
    const r = await t.request('POST', BASE, { headers: bearer(TEST_ROOT_KEY), body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 3, message: expect.stringMatching(pattern), details: [] });
    expect(await keyCount(t)).toBe(before);
  });

  it('answers 401 {code: 16} without a token', async () => {
    const r = await t.request('POST', BASE, { key: null, body: { apiKey: {} } });
    expect(r).toMatchObject({ status: 401, body: { code: 16, message: expect.any(String), details: [] } });
  });

  it('documents the routes under the Fireworks tag', async () => {
    const tag = 'compat: Fireworks';
    expect(await tagsOf(t, '/v1/accounts/{account_id}/users/{user_id}/apiKeys')).toEqual({ post: [tag], get: [tag] });
    expect(await tagsOf(t, '/v1/accounts/{account_id}/users/{user_id}/apiKeys:delete')).toEqual({ post: [tag] });
    expect(await tagsOf(t, '/v1/accounts/{account_id}/users/{user_id}/apiKeys/{key_id}')).toEqual({ delete: [tag] });
  });
});
