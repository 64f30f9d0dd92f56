import { loadSeed } from '../../../../../test/support/seeds/seed-schema';
import { startTestApp, TEST_ROOT_KEY, TestApp } from '../../../../../test/support/test-app';
import { bearer, eventTypes, keyCount, nextYear, tagsOf, tenantKey, verify } from '../../../../../test/support/compat/compat-e2e.helpers';
import { CheckedRequest, ContractRule, contractClient } from '../../../../../test/support/compat/dialect-contract.client';

/**
 * Fireworks gateway: seed 003 (OpenAPI). The account is the tenant, the user the owner. Every
 * response is checked against the seed's gatewayApiKey; the added list pages those (without `key`).
 */
describe('compat: Fireworks /v1/accounts/{account_id}/users/{user_id}/apiKeys', () => {
  let t: TestApp;
  let fireworks: CheckedRequest;

  const seed = loadSeed('003');
  const COLLECTION = '/v1/accounts/{account_id}/users/{user_id}/apiKeys';
  const CONTRACT: ContractRule[] = [
    { route: `POST ${COLLECTION}`, status: 200, schema: seed.response('POST', COLLECTION, 200, { closed: true }) },
    {
      route: `GET ${COLLECTION}`,
      status: 200,
      schema: seed.custom('ListApiKeysResponse', (ref) => ({
        type: 'object',
        required: ['apiKeys', 'nextPageToken'],
        properties: { apiKeys: { type: 'array', items: ref('gatewayApiKey', { without: ['key'], closed: true }) }, nextPageToken: { type: 'string' } },
        additionalProperties: false,
      })),
    },
    { route: `POST ${COLLECTION}:delete`, status: 200, noSchema: 'google.protobuf.Empty ({}); 003 documents no delete' },
    { route: `DELETE ${COLLECTION}/{key_id}`, status: 200, noSchema: 'google.protobuf.Empty ({}); 003 documents no delete' },
    ...[`POST ${COLLECTION}`, `GET ${COLLECTION}`, `POST ${COLLECTION}:delete`, `DELETE ${COLLECTION}/{key_id}`].map(
      (route): ContractRule => ({ route, status: '4xx', noSchema: "003 declares no error response; errors are grpc-gateway's rpcStatus" }),
    ),
  ];

  beforeAll(async () => {
    t = await startTestApp();
    fireworks = contractClient(t, CONTRACT);
  });
  afterAll(async () => {
    await t.close();
  });

  const BASE = '/v1/accounts/acme/users/dev@acme.test/apiKeys';

  const expireTime = nextYear();
  let created: { keyId: string; key: string };

  it('creates from GatewayCreateApiKeyBody with Bearer: 200 gatewayApiKey with the key', async () => {
    const r = await fireworks('POST', BASE, {
      headers: bearer(TEST_ROOT_KEY),
      body: { apiKey: { displayName: 'ci', expireTime, annotations: { team: 'ml', purpose: 'ci' } } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ displayName: 'ci', expireTime, annotations: { team: 'ml', purpose: 'ci' }, email: 'dev@acme.test' });
    expect(r.body).not.toHaveProperty('lastUsed');
    expect(r.body.key.startsWith(r.body.prefix)).toBe(true);
    created = { keyId: r.body.keyId, key: r.body.key };
  });

  it('defaults displayName to "default" and leaves unset fields out', async () => {
    const r = await fireworks('POST', '/v1/accounts/acme/users/u-123/apiKeys', { headers: bearer(TEST_ROOT_KEY), body: { apiKey: {} } });
    expect(r.status).toBe(200);
    expect(r.body.displayName).toBe('default');
    for (const f of ['expireTime', 'lastUsed', 'email']) expect(r.body).not.toHaveProperty(f);
  });

  it('accepts and ignores the read-only fields of gatewayApiKey', async () => {
    const r = await fireworks('POST', BASE, {
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
    const r = await fireworks('GET', BASE, { headers: bearer(TEST_ROOT_KEY) });
    expect(r.status).toBe(200);
    for (const item of r.body.apiKeys) expect(item).not.toHaveProperty('key');
    const ids = (r.body.apiKeys as { keyId: string }[]).map((k) => k.keyId);
    expect(ids).toEqual(expect.arrayContaining([created.keyId, native.body.id]));
    const other = await fireworks('GET', '/v1/accounts/acme/users/u-123/apiKeys', { headers: bearer(TEST_ROOT_KEY) });
    expect((other.body.apiKeys as { keyId: string }[]).map((k) => k.keyId)).not.toContain(created.keyId);
  });

  it('pages with pageSize and nextPageToken', async () => {
    const first = await fireworks('GET', `${BASE}?pageSize=1`, { headers: bearer(TEST_ROOT_KEY) });
    expect(first.body.apiKeys).toHaveLength(1);
    expect(first.body.nextPageToken).not.toBe('');
    const second = await fireworks('GET', `${BASE}?pageSize=1&pageToken=${first.body.nextPageToken}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(second.status).toBe(200);
    expect(second.body.apiKeys[0].keyId).not.toBe(first.body.apiKeys[0].keyId);
  });

  it('deletes with apiKeys:delete {keyId}: {} and revoked; verify says REVOKED; gone from the list', async () => {
    const r = await fireworks('POST', `${BASE}:delete`, { headers: bearer(TEST_ROOT_KEY), body: { keyId: created.keyId } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    expect(await verify(t, created.key)).toMatchObject({ valid: false, code: 'REVOKED' });
    expect(await eventTypes(t, created.keyId)).toEqual(['KeyCreated', 'KeyRevoked']);
    const list = await fireworks('GET', BASE, { headers: bearer(TEST_ROOT_KEY) });
    expect((list.body.apiKeys as { keyId: string }[]).map((k) => k.keyId)).not.toContain(created.keyId);
    const again = await fireworks('DELETE', `${BASE}/${created.keyId}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(again).toMatchObject({ status: 404, body: { code: 5, message: expect.any(String), details: [] } });
  });

  it('deletes with DELETE …/apiKeys/{keyId}, only within the account and user of the path', async () => {
    const r = await fireworks('POST', BASE, { headers: bearer(TEST_ROOT_KEY), body: { apiKey: { displayName: 'to delete' } } });
    const wrongUser = await fireworks('DELETE', `/v1/accounts/acme/users/someone-else/apiKeys/${r.body.keyId}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(wrongUser.status).toBe(404);
    const wrongAccount = await fireworks('DELETE', `/v1/accounts/other/users/dev@acme.test/apiKeys/${r.body.keyId}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(wrongAccount.status).toBe(404);
    const ok = await fireworks('DELETE', `${BASE}/${r.body.keyId}`, { headers: bearer(TEST_ROOT_KEY) });
    expect(ok).toMatchObject({ status: 200, body: {} });
    expect((await t.request('GET', `/v1/keys/${r.body.keyId}`)).body.status).toBe('REVOKED');
  });

  it('a tenant key may use its own account only: another account is 403 PERMISSION_DENIED', async () => {
    const admin = await tenantKey(t, 'acme');
    expect((await fireworks('POST', BASE, { headers: bearer(admin), body: { apiKey: {} } })).status).toBe(200);
    for (const [method, body] of [['POST', { apiKey: {} }], ['GET', undefined]] as const) {
      const r = await fireworks(method, '/v1/accounts/globex/users/dev/apiKeys', { headers: bearer(admin), body });
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
    const r = await fireworks('POST', BASE, { headers: bearer(TEST_ROOT_KEY), body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 3, message: expect.stringMatching(pattern), details: [] });
    expect(await keyCount(t)).toBe(before);
  });

  it('answers 401 {code: 16} without a token', async () => {
    const r = await fireworks('POST', BASE, { key: null, body: { apiKey: {} } });
    expect(r).toMatchObject({ status: 401, body: { code: 16, message: expect.any(String), details: [] } });
  });

  it('documents the routes under the Fireworks tag', async () => {
    const tag = 'compat: Fireworks';
    expect(await tagsOf(t, '/v1/accounts/{account_id}/users/{user_id}/apiKeys')).toEqual({ post: [tag], get: [tag] });
    expect(await tagsOf(t, '/v1/accounts/{account_id}/users/{user_id}/apiKeys:delete')).toEqual({ post: [tag] });
    expect(await tagsOf(t, '/v1/accounts/{account_id}/users/{user_id}/apiKeys/{key_id}')).toEqual({ delete: [tag] });
  });
});
