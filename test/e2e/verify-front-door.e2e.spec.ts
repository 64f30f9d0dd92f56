import { request as httpRequest } from 'node:http';
import { startTestApp, TestApp } from '../support/test-app';

interface RawAnswer {
  readonly status: number;
  /** Every response header in order, as sent, except Date (it is the clock's). */
  readonly headers: string[];
  readonly body: string;
}

function post(baseUrl: string, path: string, body: string | Buffer, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headerPairs: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          if (res.rawHeaders[i].toLowerCase() !== 'date') headerPairs.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({ status: res.statusCode ?? 0, headers: headerPairs, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Plain verify requests are answered before Fastify (apps/key-service/src/http/front-door.ts);
 * everything else by the Fastify route. The front door sees only the exact URL, so the same
 * request with a query string is the Fastify route's: both must give the same answer, byte for
 * byte and header for header, whatever the body.
 */
describe('verify answered at the front door', () => {
  let svc: TestApp;
  let key: string;
  beforeAll(async () => {
    svc = await startTestApp();
    key = (await svc.request('POST', '/v1/keys', { body: { name: 'front door', roles: ['deploy'] } })).body.key;
  });
  afterAll(async () => svc.close());

  const json = { 'content-type': 'application/json' };
  const cases: Array<[string, () => string | Buffer, Record<string, string>]> = [
    ['a valid key', () => JSON.stringify({ key }), json],
    ['a valid key with roles it has', () => JSON.stringify({ key, roles: ['deploy'] }), json],
    ['a valid key with a role it lacks', () => JSON.stringify({ key, roles: ['admin'] }), json],
    ['a valid key with an ip and a permission query', () => JSON.stringify({ key, ip: '10.0.0.1', permissions: 'a OR b' }), json],
    ['an unknown key', () => JSON.stringify({ key: 'sk_unknown' }), json],
    ['a key of the wrong type', () => JSON.stringify({ key: 5 }), json],
    ['an unknown field', () => JSON.stringify({ key, x: 1 }), json],
    ['malformed JSON', () => '{"key":', json],
    ['a key given twice', () => `{"key":"a","key":"b"}`, json],
    ['a body nested too deep', () => `{"key":"a","x":${'['.repeat(40)}${']'.repeat(40)}}`, json],
    ['a prototype-poisoning body', () => `{"key":"a","__proto__":{"x":1}}`, json],
    ['a NUL in the key', () => JSON.stringify({ key: 'a\u0000' }), json],
    ['bytes that are not UTF-8', () => Buffer.concat([Buffer.from('{"key":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), json],
    ['a bad ip', () => JSON.stringify({ key, ip: 'nowhere' }), json],
    ['a bad permission query', () => JSON.stringify({ key, permissions: 'a AND (' }), json],
    ['an array', () => '[]', json],
    ['a body over BODY_LIMIT_BYTES', () => JSON.stringify({ key: 'k'.repeat(70_000) }), json],
    ['an empty body', () => '', json],
    ['the UTF-8 charset', () => JSON.stringify({ key }), { 'content-type': 'application/json; charset=utf-8' }],
    ['the UTF-8 charset and an unknown field', () => JSON.stringify({ key, x: 1 }), { 'content-type': 'application/json; charset=utf-8' }],
    ['the UTF-8 charset spelled otherwise', () => JSON.stringify({ key }), { 'content-type': 'application/json;charset=UTF-8' }],
    ['another charset', () => JSON.stringify({ key }), { 'content-type': 'application/json; charset=utf-16' }],
    ['a form body', () => JSON.stringify({ key }), { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type', () => JSON.stringify({ key }), {}],
    ['a chunked body', () => JSON.stringify({ key }), { ...json, 'transfer-encoding': 'chunked' }],
  ];

  it.each(cases)('answers %s as the Fastify route does', async (_label, body, headers) => {
    const atFrontDoor = await post(svc.baseUrl, '/v1/keys/verify', body(), headers);
    const byFastify = await post(svc.baseUrl, '/v1/keys/verify?via=fastify', body(), headers);
    expect(atFrontDoor).toEqual(byFastify);
  });

  it('gives the 200 answer with only the headers any Fastify reply has', async () => {
    const answer = await post(svc.baseUrl, '/v1/keys/verify', JSON.stringify({ key }), json);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ valid: true, code: 'VALID', roles: ['deploy'] });
    expect(answer.headers).toEqual([
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(answer.body)}`,
      'Connection: keep-alive',
      expect.stringMatching(/^Keep-Alive: timeout=\d+$/),
    ]);
  });
});
