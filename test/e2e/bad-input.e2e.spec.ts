import { startTestApp, TestApp } from '../support/test-app';

/** Bad input gets a precise 4xx in the one error shape, and changes nothing. */
describe('Bad input over HTTP', () => {
  let svc: TestApp;
  let keyId: string;
  beforeAll(async () => {
    svc = await startTestApp();
    keyId = (await svc.request('POST', '/v1/keys', { body: { name: 'existing' } })).body.id;
  });
  afterAll(async () => svc.close());

  const eventCount = async () => (await svc.request('GET', '/v1/audit?limit=500')).body.items.length;

  it.each([
    ['a missing name', {}, 'name must be a string'],
    ['an empty name', { name: '' }, 'name must be longer than or equal to 1 characters'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, 'name must be shorter than or equal to 100 characters'],
    ['a description over 255 characters', { name: 'x', description: 'd'.repeat(256) }, 'description must be shorter than or equal to 255 characters'],
    ['a name of the wrong type', { name: 42 }, 'name must be a string'],
    ['an unknown field', { name: 'x', colour: 'blue' }, 'property colour is not allowed'],
    ['a bad id', { name: 'x', id: 'has spaces' }, 'id must be 1-128 characters of A-Z a-z 0-9 . _ -'],
    ['roles that are not a list', { name: 'x', roles: 'admin' }, 'roles must be an array'],
    ['a bad role', { name: 'x', roles: ['ok', 'not ok'] }, 'each role must be 1-64 characters of A-Z a-z 0-9 . _ : -'],
    ['a bad prefix', { name: 'x', prefix: 'Bad_' }, 'prefix must be 1-16 lowercase letters or digits, starting with a letter'],
    ['an expiry that is not a date', { name: 'x', expiresAt: 'tomorrow' }, 'expiresAt must be an RFC 3339 date-time, e.g. 2030-01-01T00:00:00Z'],
    ['an expiry in the past', { name: 'x', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt must be in the future (got 2001-01-01T00:00:00.000Z)'],
    ['annotations with a number', { name: 'x', annotations: { a: 1 } }, 'annotations must be an object of at most 50 string values (keys 1-64, values up to 512 characters)'],
    ['a rate limit without a window', { name: 'x', rateLimit: { limit: 5 } }, 'rateLimit.durationMs must be an integer number'],
  ])('refuses a create with %s', async (_label, body, message) => {
    const before = await eventCount();
    const r = await svc.request('POST', '/v1/keys', { body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
    expect(await eventCount()).toBe(before);
  });

  // Verify is a plain Fastify route (ajv, not class-validator, on the happy path); it must refuse
  // bad bodies exactly as the Nest routes do, with the same words.
  it.each([
    ['a key of the wrong type', { key: 5 }, 'key must be a string'],
    ['a null key', { key: null }, 'key must be a string'],
    ['no key', {}, 'key must be a string'],
    ['an empty key', { key: '' }, 'key must be longer than or equal to 1 characters'],
    ['a key over 512 characters', { key: 'k'.repeat(513) }, 'key must be shorter than or equal to 512 characters'],
    ['an unknown field', { key: 'abc', x: 1 }, 'property x is not allowed'],
    ['two unknown fields and no key', { x: 1, y: 2 }, 'property x is not allowed; property y is not allowed; key must be a string'],
    ['roles that are not a list', { key: 'abc', roles: 'admin' }, 'roles must be an array'],
    ['a bad role', { key: 'abc', roles: ['not ok'] }, 'each role must be 1-64 characters of A-Z a-z 0-9 . _ : -'],
    ['a role that is a number', { key: 'abc', roles: [1] }, 'each role must be 1-64 characters of A-Z a-z 0-9 . _ : -'],
    ['51 roles', { key: 'abc', roles: Array.from({ length: 51 }, (_, i) => `r${i}`) }, 'roles must contain no more than 50 elements'],
    ['an array', [{ key: 'abc' }], 'Request body must be a JSON object'],
    ['a string', 'abc', 'Request body must be a JSON object'],
    ['null', null, 'Request body must be a JSON object'],
  ])('refuses a verify with %s', async (_label, body, message) => {
    const r = await svc.request('POST', '/v1/keys/verify', { key: null, body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
  });

  it('answers a verify whose body is valid, null roles included, and refuses non-JSON and oversize bodies', async () => {
    const ok = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: 'not-a-key', roles: null } });
    expect(ok).toMatchObject({ status: 200, body: { valid: false, code: 'NOT_FOUND' } });
    expect(Object.keys(ok.body).sort()).toEqual(['code', 'valid']);
    const malformed = await svc.request('POST', '/v1/keys/verify', { key: null, rawBody: '{"key":', headers: { 'content-type': 'application/json' } });
    expect(malformed.body).toEqual({ statusCode: 400, error: 'Bad Request', message: "Body is not valid JSON but content-type is set to 'application/json'" });
    const text = await svc.request('POST', '/v1/keys/verify', { key: null, rawBody: 'abc', headers: { 'content-type': 'text/plain' } });
    expect(text.body).toEqual({ statusCode: 415, error: 'Unsupported Media Type', message: 'Unsupported Media Type' });
    const huge = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: 'k'.repeat(70_000) } });
    expect(huge.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: "Request body is larger than 65536 bytes, this route's limit (BODY_LIMIT_BYTES)" });
  });

  it('refuses malformed JSON, a non-object body, a non-JSON media type and an oversize body', async () => {
    const before = await eventCount();
    const malformed = await svc.request('POST', '/v1/keys', { rawBody: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ statusCode: 400, error: 'Bad Request', message: "Body is not valid JSON but content-type is set to 'application/json'" });
    const array = await svc.request('POST', '/v1/keys', { body: [{ name: 'x' }] });
    expect(array.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Request body must be a JSON object' });
    const text = await svc.request('POST', '/v1/keys', { rawBody: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body.statusCode).toBe(415);
    const huge = await svc.request('POST', '/v1/keys', { body: { name: 'x', description: 'd'.repeat(70_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: "Request body is larger than 65536 bytes, this route's limit (BODY_LIMIT_BYTES)" });
    expect(await eventCount()).toBe(before);
  });

  it('refuses bad ids, queries, cursors and headers on other routes', async () => {
    const badId = await svc.request('GET', `/v1/keys/${encodeURIComponent('bad id!')}`);
    expect(badId.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Key id must be 1-128 characters of A-Z a-z 0-9 . _ -' });
    expect((await svc.request('GET', `/v1/keys/${'x'.repeat(129)}`)).status).toBe(400);
    expect((await svc.request('GET', '/v1/keys?status=GONE')).body.message).toBe('status must be one of ACTIVE, EXPIRED, REVOKED, DISABLED');
    expect((await svc.request('GET', '/v1/keys?limit=0')).body.message).toBe('limit must not be less than 1');
    expect((await svc.request('GET', '/v1/keys?cursor=garbage')).body.message).toBe('cursor is not a cursor this service issued');
    expect((await svc.request('GET', '/v1/keys?bogus=1')).body.message).toBe('property bogus is not allowed');
    expect((await svc.request('GET', '/v1/audit?type=KeyExploded')).body.message).toMatch(/^type must be one of KeyCreated, /);
    // A key's history pages by version, the audit trail by position: neither cursor is taken by the other.
    const twoEvents = (await svc.request('POST', '/v1/keys', { body: { name: 'paged' } })).body.id;
    await svc.request('PATCH', `/v1/keys/${twoEvents}`, { body: { name: 'paged again' } });
    const historyCursor = (await svc.request('GET', `/v1/keys/${twoEvents}/events?limit=1`)).body.nextCursor;
    const auditCursor = (await svc.request('GET', '/v1/audit?limit=1')).body.nextCursor;
    expect([typeof auditCursor, typeof historyCursor]).toEqual(['string', 'string']);
    expect((await svc.request('GET', `/v1/keys/${keyId}/events?cursor=${auditCursor}`)).body.message).toBe('cursor is not a cursor this service issued');
    expect((await svc.request('GET', `/v1/audit?cursor=${historyCursor}`)).body.message).toBe('cursor is not a cursor this service issued');
    // Well-formed, but past what a version or a position can be: refused before it reaches SQL.
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const path of [`/v1/keys/${twoEvents}/events?cursor=${forged('v:2147483648')}`, `/v1/audit?cursor=${forged('p:99999999999999999')}`, `/v1/keys?cursor=${forged('p:9007199254740992')}`]) {
      const r = await svc.request('GET', path);
      expect([path, r.status, r.body.message]).toEqual([path, 400, 'cursor is not a cursor this service issued']);
    }
    expect((await svc.request('GET', `/v1/keys/${keyId}/events?limit=501`)).body.message).toBe('limit must not be greater than 500');
    expect((await svc.request('GET', `/v1/keys/${keyId}/events?limit=ten`)).status).toBe(400);
    expect((await svc.request('GET', `/v1/keys/${keyId}/events?since=1`)).body.message).toBe('property since is not allowed');
    const ifMatch = await svc.request('PATCH', `/v1/keys/${keyId}`, { body: { name: 'y' }, headers: { 'if-match': 'yesterday' } });
    expect(ifMatch.body.message).toBe('If-Match must be a key version, e.g. "3"');
    const grace = await svc.request('POST', `/v1/keys/${keyId}/rotate`, { body: { gracePeriodSeconds: -5 } });
    expect(grace.body.message).toBe('gracePeriodSeconds must not be less than 0');
    const verify = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: 5 } });
    expect(verify.body.message).toBe('key must be a string');
    expect((await svc.request('GET', `/v1/keys/${keyId}`)).body).toMatchObject({ name: 'existing', version: 1 });
  });

  it('answers 404 for a key that does not exist, on every route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/keys/nope'],
      ['PATCH', '/v1/keys/nope'],
      ['POST', '/v1/keys/nope/revoke'],
      ['DELETE', '/v1/keys/nope'],
      ['POST', '/v1/keys/nope/disable'],
      ['POST', '/v1/keys/nope/enable'],
      ['POST', '/v1/keys/nope/rotate'],
      ['GET', '/v1/keys/nope/events'],
      // Past the end of a stream that does not exist is still a missing key, not an empty page.
      ['GET', `/v1/keys/nope/events?cursor=${Buffer.from('v:5').toString('base64url')}`],
    ]) {
      const r = await svc.request(method, path, { body: method === 'PATCH' ? { name: 'x' } : method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect([method, path, r.status, r.body.message]).toEqual([method, path, 404, "Key 'nope' not found"]);
    }
  });
});
