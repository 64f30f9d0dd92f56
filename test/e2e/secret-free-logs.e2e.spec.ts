import { startTestApp, TEST_PEPPER, TEST_ROOT_KEY, TestApp } from '../support/test-app';

describe('Logs over HTTP (embedded mode): every request but verify is logged, and no secret ever is', () => {
  /** Every line the service logs, at `debug`, while keys are issued, used and refused. */
  const lines: string[] = [];
  let svc: TestApp;
  beforeAll(async () => {
    svc = await startTestApp({ LOG_LEVEL: 'debug' }, { logDestination: { write: (line: string) => void lines.push(line) } });
  });
  afterAll(async () => svc.close());

  const logged = () => lines.map((line) => JSON.parse(line) as { msg?: string; req?: { id: string; method: string; url: string }; res?: { statusCode: number } });

  it('logs each management request once, with its request id and status, and never a key', async () => {
    const created = await svc.request('POST', '/v1/keys', { body: { name: 'logged', roles: ['read'] } });
    expect(created.status).toBe(201);
    const rotated = await svc.request('POST', `/v1/keys/${created.body.id}/rotate`, { body: { gracePeriodSeconds: 60 } });
    expect(rotated.status).toBe(200);
    const plaintexts: string[] = [created.body.key, rotated.body.key];

    for (const key of plaintexts) {
      expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key } })).body.code).toBe('VALID');
      expect((await svc.request('POST', '/v1/keys/whoami', { key: null, body: { key } })).status).toBe(200);
      // Refused bodies that carry the key where it does not belong: the 400 must not be logged with it.
      expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key, extra: key } })).status).toBe(400);
      expect((await svc.request('POST', '/v1/keys', { body: { name: key, unknown: key } })).status).toBe(400);
      // A key presented as a management credential, in each header that carries one.
      expect((await svc.request('GET', '/v1/keys', { key })).status).toBe(403);
      expect((await svc.request('GET', '/v1/keys', { headers: { authorization: `Bearer ${key}` } })).status).toBe(403);
      expect((await svc.request('GET', '/v1/keys', { headers: { apikey: key } })).status).toBe(403);
    }
    // Leak reports carry plaintexts by nature: refused or acted on, they are logged without them.
    expect((await svc.request('POST', '/v1/keys/leaks', { body: { keys: plaintexts, extra: plaintexts[0] } })).status).toBe(400);
    expect((await svc.request('POST', '/v1/keys/leaks', { body: { keys: plaintexts, source: 'log test' } })).status).toBe(200);
    expect((await svc.request('GET', '/v1/keys', { headers: { authorization: `Bearer ${TEST_ROOT_KEY}` } })).status).toBe(200);
    expect((await svc.request('GET', '/health?probe=1', { key: null })).status).toBe(200);
    expect((await svc.request('GET', '/v1/no-such-route', { key: null, undocumented: 'deliberately-unknown-route' })).status).toBe(404);

    // The harness itself reads /docs/json once, to check every response against it.
    const completed = logged().filter((entry) => entry.msg === 'request completed' && entry.req?.url !== '/docs/json');
    expect(completed.map((entry) => `${entry.req?.method} ${entry.req?.url} ${entry.res?.statusCode}`)).toEqual([
      'POST /v1/keys 201',
      `POST /v1/keys/${created.body.id}/rotate 200`,
      ...plaintexts.flatMap(() => ['POST /v1/keys/whoami 200', 'POST /v1/keys 400', 'GET /v1/keys 403', 'GET /v1/keys 403', 'GET /v1/keys 403']),
      'POST /v1/keys/leaks 400',
      'POST /v1/keys/leaks 200',
      'GET /v1/keys 200',
      'GET /v1/no-such-route 404',
    ]);
    expect(new Set(completed.map((entry) => entry.req?.id)).size).toBe(completed.length);

    const everything = lines.join('\n');
    for (const secret of [...plaintexts, TEST_ROOT_KEY, TEST_PEPPER]) expect(everything).not.toContain(secret);
  });
});
