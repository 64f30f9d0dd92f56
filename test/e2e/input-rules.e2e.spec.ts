import { startTestApp, TestApp } from '../support/test-app';

/**
 * The input rules of docs/api.md ("Input rules"), each held where every route passes: the JSON
 * body parser, the global text-safety pipe, the shared query and date-time decorators. So each is
 * checked on every route that takes the input, in every dialect, not on the route a probe found.
 */
describe('Input rules over HTTP', () => {
  let svc: TestApp;
  let keyId: string;
  beforeAll(async () => {
    svc = await startTestApp();
    keyId = (await svc.request('POST', '/v1/keys', { body: { name: 'existing', owner: 'u1' } })).body.id;
  });
  afterAll(async () => svc.close());

  const eventCount = async () => (await svc.request('GET', '/v1/audit?limit=500')).body.items.length;

  /** Every route that takes a body, in every dialect. */
  const bodyRoutes = (): [string, string][] => [
    ['POST', '/v1/keys'],
    ['PATCH', `/v1/keys/${keyId}`],
    ['POST', `/v1/keys/${keyId}/revoke`],
    ['POST', `/v1/keys/${keyId}/disable`],
    ['POST', `/v1/keys/${keyId}/enable`],
    ['POST', `/v1/keys/${keyId}/rotate`],
    ['POST', '/v1/keys/verify'],
    ['POST', '/v1/keys/whoami'],
    ['POST', '/api/api-key'],
    ['POST', '/v1/api-keys'],
    ['POST', '/api/v2/api-keys'],
    ['POST', '/api/v2/api-keys/'],
    ['POST', '/v1/accounts/default/users/u1/apiKeys'],
    ['POST', '/v1/accounts/default/users/u1/apiKeys:delete'],
  ];

  const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

  it('refuses a body nested deeper than 32 levels with a 400 on every route, before any validator recurses', async () => {
    const before = await eventCount();
    const deep = nested(2400); // about 14 KB, what overflowed class-validator's stack
    for (const [method, path] of bodyRoutes()) {
      for (const rawBody of [deep, nested(33)]) {
        const r = await svc.request(method, path, { rawBody, headers: { 'content-type': 'application/json' } });
        expect([method, path, r.status, r.body]).toEqual([
          method, path, 400, { statusCode: 400, error: 'Bad Request', message: 'Request body is nested deeper than 32 levels' },
        ]);
      }
    }
    // 32 levels pass the parser and are judged by the route's own rules.
    const atLimit = await svc.request('POST', '/v1/keys/verify', { key: null, rawBody: nested(32), headers: { 'content-type': 'application/json' } });
    expect(atLimit.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'property a is not allowed; key must be a string' });
    expect(await eventCount()).toBe(before);
  });

  it('refuses a key given twice in one object, naming it, on every route', async () => {
    const before = await eventCount();
    for (const [method, path] of bodyRoutes()) {
      const r = await svc.request(method, path, { rawBody: '{"name":"a","name":"b"}', headers: { 'content-type': 'application/json' } });
      expect([method, path, r.status, r.body.message]).toEqual([method, path, 400, 'name is given more than once']);
    }
    const cases: [string, string][] = [
      ['{"name":"x","annotations":{"team":"a","team":"b"}}', 'annotations.team is given more than once'],
      ['{"key":"a","\\u006bey":"b"}', 'key is given more than once'],
      ['{"name":"x","roles":[{"a":1},{"b":1,"b":2}]}', 'roles[1].b is given more than once'],
    ];
    for (const [rawBody, message] of cases) {
      const r = await svc.request('POST', '/v1/keys', { rawBody, headers: { 'content-type': 'application/json' } });
      expect([rawBody, r.status, r.body.message]).toEqual([rawBody, 400, message]);
    }
    // The same key in two different objects is no duplicate.
    const ok = await svc.request('POST', '/v1/keys', { body: { name: 'twice', annotations: { name: 'n' } } });
    expect(ok.status).toBe(201);
    expect(await eventCount()).toBe(before + 1);
  });

  it('takes only application/json, in UTF-8, on every route (Fusion reads curl form labels as JSON)', async () => {
    const before = await eventCount();
    for (const [method, path] of bodyRoutes()) {
      if (path === '/api/api-key') continue;
      const form = await svc.request(method, path, { rawBody: 'name=x&key=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect([method, path, form.status]).toEqual([method, path, 415]);
    }
    for (const [method, path] of bodyRoutes()) {
      const utf16 = await svc.request(method, path, { rawBody: '{"name":"x"}', headers: { 'content-type': 'application/json; charset=utf-16' } });
      expect([method, path, utf16.status, utf16.body.message]).toEqual([method, path, 415, "Unsupported charset 'utf-16': JSON bodies must be UTF-8"]);
    }
    expect(await eventCount()).toBe(before);
    for (const type of ['application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/json']) {
      const r = await svc.request('POST', '/v1/keys', { rawBody: '{"name":"utf8"}', headers: { 'content-type': type } });
      expect([type, r.status]).toEqual([type, 201]);
    }
    const fusion = await svc.request('POST', '/api/api-key', { rawBody: '{"id":"curl-made","name":"curl"}', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(fusion.status).toBe(200);
  });
});
