import { STATUS_CODES } from 'node:http';
import { startTestApp, TestApp } from '../support/test-app';

/** The error body each dialect sends (docs/compat.md), for a refusal raised before or inside its routes. */
function errorBody(path: string, status: number, message: string): unknown {
  if (path.startsWith('/v1/api-keys')) return { status, message };
  if (path.startsWith('/api/v2/')) return { detail: message };
  if (path.startsWith('/v1/accounts/')) return { code: 3, message, details: [] };
  return { statusCode: status, error: STATUS_CODES[status], message };
}

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
        expect([method, path, r.status, r.body]).toEqual([method, path, 400, errorBody(path, 400, 'Request body is nested deeper than 32 levels')]);
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
      expect([method, path, r.status, r.body]).toEqual([method, path, 400, errorBody(path, 400, 'name is given more than once')]);
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
      expect([method, path, utf16.status, utf16.body]).toEqual([method, path, 415, errorBody(path, 415, "Unsupported charset 'utf-16': JSON bodies must be UTF-8")]);
    }
    expect(await eventCount()).toBe(before);
    for (const type of ['application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/json']) {
      const r = await svc.request('POST', '/v1/keys', { rawBody: '{"name":"utf8"}', headers: { 'content-type': type } });
      expect([type, r.status]).toEqual([type, 201]);
    }
    const fusion = await svc.request('POST', '/api/api-key', { rawBody: '{"id":"curl-made","name":"curl"}', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(fusion.status).toBe(200);
  });

  describe('NUL and unpaired surrogates', () => {
    const RULE = 'must not contain NUL or unpaired surrogate characters';
    type Shape = (message: string) => unknown;
    const native: Shape = (message) => ({ statusCode: 400, error: 'Bad Request', message });
    const lumino: Shape = (message) => ({ status: 400, message });
    const orgV2: Shape = (message) => ({ detail: message });
    const fireworks: Shape = (message) => ({ code: 3, message, details: [] });

    /** [method, path, a valid body, the dialect's error shape]: each string field is spoiled in turn. */
    const writes = (): [string, string, Record<string, unknown>, Shape][] => [
      ['POST', '/v1/keys', {
        name: 'n', description: 'd', tenant: 't', id: 'i', roles: ['r'], owner: 'o', environment: 'e', prefix: 'p',
        expiresAt: '2099-01-01T00:00:00Z', annotations: { team: 'x' },
      }, native],
      ['PATCH', `/v1/keys/${keyId}`, { name: 'n', description: 'd', roles: ['r'], owner: 'o', environment: 'e', expiresAt: '2099-01-01T00:00:00Z', annotations: { team: 'x' } }, native],
      ['POST', `/v1/keys/${keyId}/revoke`, { reason: 'r' }, native],
      ['POST', `/v1/keys/${keyId}/disable`, { reason: 'r' }, native],
      ['POST', '/v1/keys/verify', { key: 'k', roles: ['r'] }, native],
      ['POST', '/v1/keys/whoami', { key: 'k' }, native],
      ['POST', '/api/api-key', { id: 'i', name: 'n', roles: ['r'] }, native],
      ['POST', '/v1/api-keys', { name: 'n', expires_at: '2099-01-01T00:00:00Z' }, lumino],
      ['POST', '/api/v2/api-keys/', { name: 'n', description: 'd' }, orgV2],
      ['POST', '/v1/accounts/default/users/u1/apiKeys', { apiKey: { displayName: 'n', expireTime: '2099-01-01T00:00:00Z', annotations: { team: 'x' } } }, fireworks],
      ['POST', '/v1/accounts/default/users/u1/apiKeys:delete', { keyId: 'k' }, fireworks],
    ];

    /** Every path to a string in `body`, with a copy of `body` whose string there is `spoil`ed. */
    function spoiled(body: unknown, spoil: (s: string) => string, path = ''): [string, unknown][] {
      if (typeof body === 'string') return [[path, spoil(body)]];
      if (Array.isArray(body)) return body.flatMap((v, i) => spoiled(v, spoil, `${path}[${i}]`).map(([p, s]): [string, unknown] => [p, body.map((w, j) => (j === i ? s : w))]));
      if (typeof body === 'object' && body !== null)
        return Object.entries(body).flatMap(([k, v]) =>
          spoiled(v, spoil, path ? `${path}.${k}` : k).map(([p, s]): [string, unknown] => [p, { ...body, [k]: s }]),
        );
      return [];
    }

    it.each([
      ['NUL', '\u0000'],
      ['a lone high surrogate', '\ud800'],
      ['a lone low surrogate', '\udfff'],
    ])('refuses %s in every string field of every write route, naming the field, in the dialect\'s error shape', async (_label, bad) => {
      const before = await eventCount();
      let checked = 0;
      for (const [method, path, body, shape] of writes()) {
        for (const [field, spoilt] of spoiled(body, (s) => `a${bad}${s}`)) {
          const r = await svc.request(method, path, { body: spoilt });
          expect([method, path, field, r.status, r.body]).toEqual([method, path, field, 400, shape(`${field} ${RULE}`)]);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(30);
      // Object keys too: an annotation's name, a field's name.
      const annotationName = await svc.request('POST', '/v1/keys', { body: { name: 'n', annotations: { [`te${bad}am`]: 'x' } } });
      expect(annotationName.body).toEqual(native(`Keys of annotations ${RULE}`));
      const fireworksName = await svc.request('POST', '/v1/accounts/default/users/u1/apiKeys', { body: { apiKey: { annotations: { [`t${bad}`]: 'x' } } } });
      expect(fireworksName.body).toEqual(fireworks(`Keys of apiKey.annotations ${RULE}`));
      const fieldName = await svc.request('POST', '/v1/api-keys', { body: { [`na${bad}me`]: 'n' } });
      expect(fieldName.body).toEqual(lumino(`Field names ${RULE}`));
      // A pair is a character, not a problem.
      expect((await svc.request('POST', '/v1/keys', { body: { name: 'rocket \ud83d\ude80' } })).status).toBe(201);
      expect(await eventCount()).toBe(before + 1);
    });

    it('refuses them in query strings and path params too', async () => {
      for (const [path, shape, message] of [
        ['/v1/keys?owner=a%00b', native, `owner ${RULE}`],
        // (Percent-encoded UTF-8 cannot carry a lone surrogate: %ED%A0%80 decodes to U+FFFD.)
        ['/v1/keys?environment=x%00', native, `environment ${RULE}`],
        ['/v1/audit?actor=%00', native, `actor ${RULE}`],
        ['/v1/keys/a%00b', native, `id ${RULE}`],
        ['/v1/keys/a%00b/events', native, `id ${RULE}`],
        ['/v1/api-keys/a%00b', lumino, `id ${RULE}`],
        ['/api/v2/api-keys/a%00b', orgV2, `id ${RULE}`],
        ['/v1/accounts/a%00b/users/u1/apiKeys', fireworks, `account_id ${RULE}`],
        ['/v1/accounts/default/users/u1/apiKeys?pageToken=%00', fireworks, `pageToken ${RULE}`],
      ] as [string, Shape, string][]) {
        const r = await svc.request('GET', path);
        expect([path, r.status, r.body]).toEqual([path, 400, shape(message)]);
      }
    });
  });

  it('reads integers in query strings as plain decimal digits only, on every route', async () => {
    const routes: [string, string, (m: string) => unknown][] = [
      ['/v1/keys', 'limit', (message) => ({ statusCode: 400, error: 'Bad Request', message })],
      ['/v1/audit', 'limit', (message) => ({ statusCode: 400, error: 'Bad Request', message })],
      [`/v1/keys/${keyId}/events`, 'limit', (message) => ({ statusCode: 400, error: 'Bad Request', message })],
      ['/v1/accounts/default/users/u1/apiKeys', 'pageSize', (message) => ({ code: 3, message, details: [] })],
    ];
    for (const [path, name, shape] of routes) {
      for (const value of ['0x10', '+5', '1e1', '%205', '5.0', '-1', '', 'ten']) {
        const r = await svc.request('GET', `${path}?${name}=${value}`);
        expect([path, value, r.status, r.body]).toEqual([path, value, 400, shape(`${name} must be an integer written in decimal digits`)]);
      }
      for (const value of ['5', '007']) expect([path, value, (await svc.request('GET', `${path}?${name}=${value}`)).status]).toEqual([path, value, 200]);
    }
  });

  describe('date-times', () => {
    const BAD = ['2099-02-30T00:00:00Z', '2099-01-01', '2099-01-01 00:00:00Z', '2099-01-01T00:00:00', '2099-01-01T12:00:60Z', 'tomorrow'];
    const GOOD: [string, string][] = [
      ['2099-01-01t12:00:00z', '2099-01-01T12:00:00.000Z'],
      ['2098-12-31T23:59:60Z', '2099-01-01T00:00:00.000Z'],
      ['2099-01-01T12:00:00.25+02:00', '2099-01-01T10:00:00.250Z'],
    ];
    const example = 'RFC 3339 date-time, e.g. 2030-01-01T00:00:00Z';

    it('holds every date-time in a body to strict, calendar-checked RFC 3339, in every dialect', async () => {
      const before = await eventCount();
      const bodies: [string, string, (v: string) => unknown, number, string, (m: string) => unknown][] = [
        ['POST', '/v1/keys', (v) => ({ name: 'd', expiresAt: v }), 201, `expiresAt must be an ${example}`, (message) => ({ statusCode: 400, error: 'Bad Request', message })],
        ['PATCH', `/v1/keys/${keyId}`, (v) => ({ expiresAt: v }), 200, `expiresAt must be an RFC 3339 date-time or null, e.g. 2030-01-01T00:00:00Z`, (message) => ({ statusCode: 400, error: 'Bad Request', message })],
        ['POST', '/v1/api-keys', (v) => ({ name: 'd', expires_at: v }), 201, `expires_at must be an ${example}`, (message) => ({ status: 400, message })],
        ['POST', '/v1/accounts/default/users/u1/apiKeys', (v) => ({ apiKey: { expireTime: v } }), 200, `apiKey.expireTime must be an ${example}`, (message) => ({ code: 3, message, details: [] })],
      ];
      for (const [method, path, body, , message, shape] of bodies) {
        for (const value of BAD) {
          const r = await svc.request(method, path, { body: body(value) });
          expect([path, value, r.status, r.body]).toEqual([path, value, 400, shape(message)]);
        }
      }
      expect(await eventCount()).toBe(before);
      for (const [method, path, body, status] of bodies) {
        for (const [value, instant] of GOOD) {
          const r = await svc.request(method, path, { body: body(value) });
          expect([path, value, r.status]).toEqual([path, value, status]);
          const id = method === 'PATCH' ? keyId : (r.body.id ?? r.body.keyId);
          expect([path, value, (await svc.request('GET', `/v1/keys/${id}`)).body.expiresAt]).toEqual([path, value, instant]);
        }
      }
    });

    it('holds every date-time in a query string to the same rule', async () => {
      for (const [name, path] of [['at', `/v1/keys/${keyId}?at=`], ['from', '/v1/audit?from='], ['to', '/v1/audit?to=']]) {
        for (const value of BAD) {
          const r = await svc.request('GET', `${path}${encodeURIComponent(value)}`);
          expect([path, value, r.status, r.body.message]).toEqual([path, value, 400, `${name} must be an ${example}`]);
        }
        for (const [value] of GOOD) expect([path, value, (await svc.request('GET', `${path}${encodeURIComponent(value)}`)).status]).toEqual([path, value, 200]);
      }
    });
  });

  it('takes a tenant from a tenant-bound key only when it names its own tenant', async () => {
    const admin = (await svc.request('POST', '/v1/keys', { body: { name: 'acme admin', tenant: 'acme', roles: ['admin'] } })).body.key;
    await svc.request('POST', '/v1/keys', { body: { name: 'globex key', tenant: 'globex' } });
    const other = await svc.request('GET', '/v1/keys?tenant=globex', { key: admin });
    expect(other.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Only the root key may name another tenant' });
    const own = await svc.request('GET', '/v1/keys?tenant=acme', { key: admin });
    expect(own.status).toBe(200);
    expect(own.body.items.map((k: { tenant: string }) => k.tenant)).toEqual(['acme']);
    const created = await svc.request('POST', '/v1/keys', { key: admin, body: { name: 'x', tenant: 'globex' } });
    expect(created.status).toBe(403);
    const root = await svc.request('GET', '/v1/keys?tenant=globex');
    expect(root.body.items.map((k: { name: string }) => k.name)).toEqual(['globex key']);
  });
});
