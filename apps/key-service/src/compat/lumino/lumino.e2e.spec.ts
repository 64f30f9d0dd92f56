import { loadSeed } from '../../../../../test/support/seeds/seed-schema';
import { startTestApp, TEST_ROOT_KEY, TestApp } from '../../../../../test/support/test-app';
import { UsageFlusher } from '../../keys/using/usage-flusher.service';
import { eventTypes, keyCount, nextYear, tagsOf, verify } from '../../../../../test/support/compat/compat-e2e.helpers';
import { CheckedRequest, ContractRule, contractClient } from '../../../../../test/support/compat/dialect-contract.client';

/** Lumino API keys: seed 001 (OpenAPI). Every response is checked against the seed's own schema. */
describe('compat: Lumino /v1/api-keys', () => {
  let t: TestApp;
  let lumino: CheckedRequest;

  const seed = loadSeed('001');
  // The seed documents create (201, 400, 401); the added routes answer its ApiKeyResponse and ErrorResponse.
  const error = seed.component('ErrorResponse', { closed: true });
  const apiKey = seed.component('ApiKeyResponse', { closed: true });
  const CONTRACT: ContractRule[] = [
    { route: 'POST /v1/api-keys', status: 201, schema: seed.response('POST', '/v1/api-keys', 201, { closed: true }) },
    { route: 'POST /v1/api-keys', status: 400, schema: seed.response('POST', '/v1/api-keys', 400, { closed: true }) },
    { route: 'POST /v1/api-keys', status: 401, schema: seed.response('POST', '/v1/api-keys', 401, { closed: true }) },
    { route: 'GET /v1/api-keys', status: 200, schema: seed.arrayOf('ApiKeyResponse', { closed: true }) },
    { route: 'GET /v1/api-keys/{id}', status: 200, schema: apiKey },
    { route: 'DELETE /v1/api-keys/{id}', status: 200, schema: apiKey },
    ...['POST /v1/api-keys', 'GET /v1/api-keys', 'GET /v1/api-keys/{id}', 'DELETE /v1/api-keys/{id}'].map(
      (route): ContractRule => ({ route, status: '4xx', schema: error }),
    ),
  ];

  beforeAll(async () => {
    t = await startTestApp();
    lumino = contractClient(t, CONTRACT);
  });
  afterAll(async () => {
    await t.close();
  });

  const expiresAt = nextYear();
  let created: { id: string; secret: string };

  it('creates a key from ApiKeyCreate with x-api-key: 201 ApiKeyWithSecretResponse', async () => {
    const r = await lumino('POST', '/v1/api-keys', {
      headers: { 'x-api-key': TEST_ROOT_KEY, 'content-type': 'application/json' },
      body: { name: 'training jobs', expires_at: expiresAt },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'training jobs', status: 'ACTIVE', expires_at: expiresAt });
    // Never used yet: a string-typed field with no value is left out, not null.
    expect(r.body).not.toHaveProperty('last_used_at');
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
    const list = await lumino('GET', '/v1/api-keys');
    expect(list.status).toBe(200);
    for (const item of list.body) expect(item).not.toHaveProperty('secret');
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.id, name: 'training jobs' })]));
    const one = await lumino('GET', `/v1/api-keys/${created.id}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('secret');
    expect(one.body).toMatchObject({ id: created.id, name: 'training jobs', expires_at: expiresAt });
  });

  it('leaves expires_at out for a /v1 key without expiry, in the list and alone', async () => {
    const native = await t.request('POST', '/v1/keys', { body: { name: 'never expires' } });
    expect(native.status).toBe(201);
    const one = await lumino('GET', `/v1/api-keys/${native.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: native.body.id, status: 'ACTIVE' });
    expect(one.body).not.toHaveProperty('expires_at');
    const listed = (await lumino('GET', '/v1/api-keys')).body.find((k: { id: string }) => k.id === native.body.id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('expires_at');
  });

  it('does not show keys whose id is not a UUID: not listed, 404 on get and delete, and nothing revoked', async () => {
    for (const id of ['fusion-made', 'a0000000-0000-4000-8000-00000000000g']) {
      const native = await t.request('POST', '/v1/keys', { body: { id, name: 'chosen id' } });
      expect(native.status).toBe(201);
      const ids = (await lumino('GET', '/v1/api-keys')).body.map((k: { id: string }) => k.id);
      expect(ids).not.toContain(id);
      const missing = { status: 404, body: { status: 404, message: expect.stringMatching(/Lumino ids are UUIDs/) } };
      expect(await lumino('GET', `/v1/api-keys/${id}`)).toMatchObject(missing);
      expect(await lumino('DELETE', `/v1/api-keys/${id}`)).toMatchObject(missing);
      expect(await eventTypes(t, id)).toEqual(['KeyCreated']);
    }
    // The same answer for an id no key has: the 404 tells nothing about other routes' keys.
    expect((await lumino('GET', '/v1/api-keys/never-created')).body).toEqual((await lumino('GET', '/v1/api-keys/fusion-made')).body);
  });

  it('shows a /v1 key, and a DISABLED one as REVOKED (not in its enum)', async () => {
    const native = await t.request('POST', '/v1/keys', { body: { name: 'native', expiresAt } });
    expect(native.status).toBe(201);
    const id = native.body.id as string;
    expect((await lumino('GET', `/v1/api-keys/${id}`)).body).toMatchObject({ id, name: 'native', status: 'ACTIVE' });
    expect((await t.request('POST', `/v1/keys/${id}/disable`, { body: {} })).status).toBe(200);
    expect((await lumino('GET', `/v1/api-keys/${id}`)).body.status).toBe('REVOKED');
    expect((await t.request('POST', `/v1/keys/${id}/enable`, { body: {} })).status).toBe(200);
    expect((await lumino('GET', `/v1/api-keys/${id}`)).body.status).toBe('ACTIVE');
  });

  it('deletes (revokes): 200 with status REVOKED, verify says REVOKED, history has KeyRevoked', async () => {
    const r = await lumino('DELETE', `/v1/api-keys/${created.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: created.id, status: 'REVOKED' });
    expect(await verify(t, created.secret)).toMatchObject({ valid: false, code: 'REVOKED' });
    expect(await eventTypes(t, created.id)).toEqual(['KeyCreated', 'KeyRevoked']);
    expect((await lumino('GET', `/v1/api-keys/${created.id}`)).body.status).toBe('REVOKED');
    expect(await lumino('DELETE', `/v1/api-keys/${created.id}`)).toMatchObject({ status: 409, body: { status: 409 } });
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
    const r = await lumino('POST', '/v1/api-keys', { body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 400, message: expect.stringMatching(pattern) });
    expect(await keyCount(t)).toBe(before);
  });

  it('answers 401 {status, message} without a key or with a wrong one, and 404 in the same shape', async () => {
    for (const key of [null, 'sk_not-a-key']) {
      const r = await lumino('POST', '/v1/api-keys', { key, body: { name: 'x', expires_at: nextYear() } });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ status: 401, message: expect.any(String) });
    }
    expect(await lumino('GET', '/v1/api-keys/00000000-0000-4000-8000-000000000000')).toMatchObject({
      status: 404,
      body: { status: 404, message: expect.any(String) },
    });
  });

  // Last: flushing usage appends KeyUsed to every key verified so far, which the history checks above would see.
  it('shows last_used_at once the key has been used', async () => {
    const made = await lumino('POST', '/v1/api-keys', { body: { name: 'used', expires_at: expiresAt } });
    expect(await verify(t, made.body.secret)).toMatchObject({ valid: true });
    await t.app.get(UsageFlusher).flush();
    const one = await lumino('GET', `/v1/api-keys/${made.body.id}`);
    expect(Date.parse(one.body.last_used_at)).toBeGreaterThanOrEqual(Date.parse(made.body.created_at));
  });

  it('documents the routes under the Lumino tag', async () => {
    expect(await tagsOf(t, '/v1/api-keys')).toEqual({ post: ['compat: Lumino'], get: ['compat: Lumino'] });
    expect(await tagsOf(t, '/v1/api-keys/{id}')).toEqual({ get: ['compat: Lumino'], delete: ['compat: Lumino'] });
  });
});
