import { startTestApp, TestApp, TEST_ROOT_KEY } from '../support/test-app';

describe('Management authentication and tenants over HTTP', () => {
  let svc: TestApp;
  let acmeAdmin: string;
  let acmeAuditor: string;
  let betaAdmin: string;
  let acmeKeyId: string;

  beforeAll(async () => {
    svc = await startTestApp();
    const mk = async (tenant: string, roles: string[]) =>
      (await svc.request('POST', '/v1/keys', { body: { name: `${tenant} ${roles.join()}`, tenant, roles } })).body;
    acmeAdmin = (await mk('acme', ['admin'])).key;
    acmeAuditor = (await mk('acme', ['auditor'])).key;
    betaAdmin = (await mk('beta', ['admin'])).key;
    acmeKeyId = (await svc.request('POST', '/v1/keys', { key: acmeAdmin, body: { name: 'acme service' } })).body.id;
  });
  afterAll(async () => svc.close());

  it('refuses a management call without a key, or with a key it does not know', async () => {
    const none = await svc.request('GET', '/v1/keys', { key: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing API key: send it in x-api-key, apiKey or Authorization: Bearer',
    });
    const wrong = await svc.request('GET', '/v1/keys', { key: 'sk_guess' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe('API key rejected: NOT_FOUND');
  });

  it('accepts the key in x-api-key, apiKey or Authorization: Bearer', async () => {
    expect((await svc.request('GET', '/v1/keys', { headers: { 'x-api-key': TEST_ROOT_KEY } })).status).toBe(200);
    expect((await svc.request('GET', '/v1/keys', { headers: { apiKey: TEST_ROOT_KEY } })).status).toBe(200);
    expect((await svc.request('GET', '/v1/keys', { headers: { Authorization: `Bearer ${TEST_ROOT_KEY}` } })).status).toBe(200);
  });

  it('creates an admin key\'s keys in its own tenant and refuses another tenant', async () => {
    const mine = await svc.request('POST', '/v1/keys', { key: acmeAdmin, body: { name: 'x' } });
    expect(mine.body.tenant).toBe('acme');
    const other = await svc.request('POST', '/v1/keys', { key: acmeAdmin, body: { name: 'x', tenant: 'beta' } });
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('Only the root key may create keys in another tenant');
  });

  it('hides another tenant\'s keys as if they did not exist', async () => {
    const seen = await svc.request('GET', `/v1/keys/${acmeKeyId}`, { key: betaAdmin });
    expect(seen.status).toBe(404);
    expect(seen.body.message).toBe(`Key '${acmeKeyId}' not found`);
    for (const [method, path] of [
      ['POST', `/v1/keys/${acmeKeyId}/revoke`],
      ['POST', `/v1/keys/${acmeKeyId}/disable`],
      ['POST', `/v1/keys/${acmeKeyId}/rotate`],
      ['PATCH', `/v1/keys/${acmeKeyId}`],
      ['DELETE', `/v1/keys/${acmeKeyId}`],
      ['GET', `/v1/keys/${acmeKeyId}/events`],
      ['GET', `/v1/keys/${acmeKeyId}/events?cursor=${Buffer.from('v:1').toString('base64url')}`],
    ]) {
      const r = await svc.request(method, path, { key: betaAdmin, body: method === 'PATCH' ? { name: 'pwned' } : method === 'POST' ? {} : undefined });
      expect([method, path, r.status]).toEqual([method, path, 404]);
    }
    const list = await svc.request('GET', '/v1/keys?limit=200', { key: betaAdmin });
    expect(list.body.items.every((k: { tenant: string }) => k.tenant === 'beta')).toBe(true);
    // Naming another tenant is refused, the same whether or not that tenant has keys.
    for (const tenant of ['acme', 'no-such-tenant']) {
      const asked = await svc.request('GET', `/v1/keys?tenant=${tenant}`, { key: betaAdmin });
      expect([tenant, asked.status, asked.body.message]).toEqual([tenant, 403, 'Only the root key may name another tenant']);
    }
    const audit = await svc.request('GET', `/v1/audit?keyId=${acmeKeyId}`, { key: betaAdmin });
    expect(audit.body.items).toEqual([]);
    expect((await svc.request('GET', `/v1/keys/${acmeKeyId}`)).body.status).toBe('ACTIVE');
  });

  it('lets an auditor read its tenant but change nothing', async () => {
    expect((await svc.request('GET', `/v1/keys/${acmeKeyId}`, { key: acmeAuditor })).status).toBe(200);
    expect((await svc.request('GET', `/v1/audit`, { key: acmeAuditor })).status).toBe(200);
    const write = await svc.request('POST', `/v1/keys/${acmeKeyId}/revoke`, { key: acmeAuditor, body: {} });
    expect(write.status).toBe(403);
    expect(write.body.message).toBe('This key may not manage keys: it needs the admin role');
    expect((await svc.request('POST', '/v1/keys', { key: acmeAuditor, body: { name: 'x' } })).status).toBe(403);
  });

  it('refuses a plain key on management routes', async () => {
    const plain = (await svc.request('POST', '/v1/keys', { body: { name: 'no roles', tenant: 'acme' } })).body.key;
    const r = await svc.request('GET', '/v1/keys', { key: plain });
    expect(r.status).toBe(403);
    expect(r.body.message).toBe('This key may not read keys: it needs the admin or auditor role');
  });

  it('records which key acted, and stops an admin key the moment it is revoked', async () => {
    const admin = (await svc.request('POST', '/v1/keys', { body: { name: 'temp admin', tenant: 'acme', roles: ['admin'] } })).body;
    const made = (await svc.request('POST', '/v1/keys', { key: admin.key, body: { name: 'made by temp admin' } })).body;
    const history = await svc.request('GET', `/v1/keys/${made.id}/events`);
    expect(history.body.items[0].actor).toEqual({ type: 'key', id: admin.id });
    const byActor = await svc.request('GET', `/v1/audit?actor=${admin.id}`);
    expect(byActor.body.items.map((e: { keyId: string }) => e.keyId)).toEqual([made.id]);

    await svc.request('POST', `/v1/keys/${admin.id}/revoke`, { body: {} });
    const after = await svc.request('GET', '/v1/keys', { key: admin.key });
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('API key rejected: REVOKED');
  });

  it('lets the root key see every tenant and narrow to one', async () => {
    const all = await svc.request('GET', '/v1/keys?limit=200');
    const tenants = new Set(all.body.items.map((k: { tenant: string }) => k.tenant));
    expect(tenants).toEqual(new Set(['acme', 'beta']));
    const beta = await svc.request('GET', '/v1/keys?tenant=beta&limit=200');
    expect(new Set(beta.body.items.map((k: { tenant: string }) => k.tenant))).toEqual(new Set(['beta']));
  });

  it('lets a key holder read its own record, with no secret', async () => {
    const k = (await svc.request('POST', '/v1/keys', { body: { name: 'me', tenant: 'acme' } })).body;
    const me = await svc.request('POST', '/v1/keys/whoami', { key: null, body: { key: k.key } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: k.id, name: 'me', tenant: 'acme' });
    expect(me.body.key).toBeUndefined();
    expect((await svc.request('POST', '/v1/keys/whoami', { key: null, body: { key: 'sk_nope' } })).status).toBe(404);
  });
});
