import { startTestApp, TEST_ROOT_KEY, TestApp } from '../../../../../test/support/test-app';
import { eventTypes, keyCount, nextYear, RFC3339, tagsOf, UUID, verify } from '../compat-e2e.support';

/** Lumino API keys: seed 001 (OpenAPI). */
describe('compat: Lumino /v1/api-keys', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const RESPONSE_FIELDS = ['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'prefix', 'status'];

  function expectApiKeyResponse(body: Record<string, unknown>): void {
    expect(body.id).toMatch(UUID);
    expect(body.created_at).toMatch(RFC3339);
    expect(body.last_used_at === null || RFC3339.test(String(body.last_used_at))).toBe(true);
    expect(body.expires_at).toMatch(RFC3339);
    expect(['ACTIVE', 'EXPIRED', 'REVOKED']).toContain(body.status);
    expect(typeof body.name).toBe('string');
    expect(typeof body.prefix).toBe('string');
  }

  const expiresAt = nextYear();
  let created: { id: string; secret: string };

  it('creates a key from ApiKeyCreate with x-api-key: 201 ApiKeyWithSecretResponse', async () => {
    const r = await t.request('POST', '/v1/api-keys', {
      headers: { 'x-api-key': TEST_ROOT_KEY, 'content-type': 'application/json' },
      body: { name: 'training jobs', expires_at: expiresAt },
    });
    expect(r.status).toBe(201);
    expectApiKeyResponse(r.body);
    expect(Object.keys(r.body).sort()).toEqual([...RESPONSE_FIELDS, 'secret'].sort());
    expect(r.body).toMatchObject({ name: 'training jobs', status: 'ACTIVE', expires_at: expiresAt, last_used_at: null });
    expect(typeof r.body.secret).toBe('string');
    expect(r.body.secret.startsWith(r.body.prefix)).toBe(true);
    created = { id: r.body.id, secret: r.body.secret };
  });

  it('is the same key on /v1: visible, verifiable, audited', async () => {
    const native = await t.request('GET', `/v1/keys/${created.id}`);
    expect(native.status).toBe(200);
    expect(native.body).toMatchObject({ id: created.id, name: 'training jobs', status: 'ACTIVE' });
    expect(Date.parse(native.body.expiresAt)).toBe(Date.parse(expiresAt));
    expect(await verify(t, created.secret)).toMatchObject({ valid: true, code: 'VALID', keyId: created.id });
    expect(await eventTypes(t, created.id)).toEqual(['KeyCreated']);
  });

  it('lists and gets keys without the secret (added routes)', async () => {
    const list = await t.request('GET', '/v1/api-keys');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    for (const item of list.body) expect(item).not.toHaveProperty('secret');
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.id, name: 'training jobs' })]));
    const one = await t.request('GET', `/v1/api-keys/${created.id}`);
    expect(one.status).toBe(200);
    expectApiKeyResponse(one.body);
    expect(Object.keys(one.body).sort()).toEqual(RESPONSE_FIELDS);
  });

  it('shows a /v1 key, and a DISABLED one as REVOKED (not in its enum)', async () => {
    const native = await t.request('POST', '/v1/keys', { body: { name: 'native', expiresAt } });
    expect(native.status).toBe(201);
    const id = native.body.id as string;
    expect((await t.request('GET', `/v1/api-keys/${id}`)).body).toMatchObject({ id, name: 'native', status: 'ACTIVE' });
    expect((await t.request('POST', `/v1/keys/${id}/disable`, { body: {} })).status).toBe(200);
    expect((await t.request('GET', `/v1/api-keys/${id}`)).body.status).toBe('REVOKED');
    expect((await t.request('POST', `/v1/keys/${id}/enable`, { body: {} })).status).toBe(200);
    expect((await t.request('GET', `/v1/api-keys/${id}`)).body.status).toBe('ACTIVE');
  });

  it('deletes (revokes): 200 with status REVOKED, verify says REVOKED, history has KeyRevoked', async () => {
    const r = await t.request('DELETE', `/v1/api-keys/${created.id}`);
    expect(r.status).toBe(200);
    expectApiKeyResponse(r.body);
    expect(r.body.status).toBe('REVOKED');
    expect(await verify(t, created.secret)).toMatchObject({ valid: false, code: 'REVOKED' });
    expect(await eventTypes(t, created.id)).toEqual(['KeyCreated', 'KeyRevoked']);
    expect((await t.request('GET', `/v1/api-keys/${created.id}`)).body.status).toBe('REVOKED');
    expect(await t.request('DELETE', `/v1/api-keys/${created.id}`)).toMatchObject({ status: 409, body: { status: 409 } });
  });

  it.each([
    ['missing name', { expires_at: nextYear() }, /name/],
    ['missing expires_at', { name: 'x' }, /expires_at/],
    ['expires_at not a date-time', { name: 'x', expires_at: 'tomorrow' }, /expires_at/],
    ['name not a string', { name: 7, expires_at: nextYear() }, /name/],
    ['an unknown field', { name: 'x', expires_at: nextYear(), roles: ['admin'] }, /roles/],
    ['expires_at in the past', { name: 'x', expires_at: '2020-01-01T00:00:00Z' }, /future/],
  ])('refuses %s with 400 {status, message}, storing nothing', async (_, body, pattern) => {
    const before = await keyCount(t);
    const r = await t.request('POST', '/v1/api-keys', { body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 400, message: expect.stringMatching(pattern) });
    expect(await keyCount(t)).toBe(before);
  });

  it('answers 401 {status, message} without a key or with a wrong one, and 404 in the same shape', async () => {
    for (const key of [null, 'sk_not-a-key']) {
      const r = await t.request('POST', '/v1/api-keys', { key, body: { name: 'x', expires_at: nextYear() } });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ status: 401, message: expect.any(String) });
    }
    expect(await t.request('GET', '/v1/api-keys/00000000-0000-4000-8000-000000000000')).toMatchObject({
      status: 404,
      body: { status: 404, message: expect.any(String) },
    });
  });

  it('documents the routes under the Lumino tag', async () => {
    expect(await tagsOf(t, '/v1/api-keys')).toEqual({ post: ['compat: Lumino'], get: ['compat: Lumino'] });
    expect(await tagsOf(t, '/v1/api-keys/{id}')).toEqual({ get: ['compat: Lumino'], delete: ['compat: Lumino'] });
  });
});
