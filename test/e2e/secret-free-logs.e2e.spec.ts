import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_VAULT_STORE } from '../../apps/key-service/src/keys/vault/key-vault.tokens';
import { KeyVaultPgStore } from '../../apps/key-service/src/keys/vault/key-vault.pg-store';
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

  it('logs reveals and re-wraps of recoverable keys without their plaintexts, sealed bytes or the key-encryption key', async () => {
    const from = lines.length;
    const revealer = await svc.request('POST', '/v1/keys', { body: { name: 'revealer', roles: ['revealer'] } });
    const kept = await svc.request('POST', '/v1/keys', { body: { name: 'kept', recoverable: true } });
    const rotated = await svc.request('POST', `/v1/keys/${kept.body.id}/rotate`, { body: { recoverable: true } });
    expect([revealer.status, kept.status, rotated.status]).toEqual([201, 201, 200]);
    const revealed = await svc.request('POST', `/v1/keys/${kept.body.id}/reveal`, { key: revealer.body.key });
    expect(revealed.body.key).toBe(rotated.body.key);
    // Refused reveals and a re-wrap are logged like any request.
    expect((await svc.request('POST', `/v1/keys/${revealer.body.id}/reveal`, { key: revealer.body.key })).status).toBe(404);
    expect((await svc.request('POST', '/v1/vault/rewrap')).status).toBe(200);
    // Sealed bytes as stored, read before the revoke destroys them.
    const sealed = await svc.app.get<KeyVaultPgStore>(KEY_VAULT_STORE).notWrappedBy('no-such-kek', '', 100);
    expect(sealed.length).toBeGreaterThan(0);
    expect((await svc.request('POST', `/v1/keys/${kept.body.id}/revoke`, { body: {} })).status).toBe(200);

    const completed = logged()
      .slice(from)
      .filter((entry) => entry.msg === 'request completed' && entry.req?.url !== '/docs/json')
      .map((entry) => `${entry.req?.method} ${entry.req?.url} ${entry.res?.statusCode}`);
    expect(completed).toContain(`POST /v1/keys/${kept.body.id}/reveal 200`);
    // The KeyRevealed names the request as the request log does.
    const revealLine = logged().slice(from).find((e) => e.msg === 'request completed' && e.req?.url === `/v1/keys/${kept.body.id}/reveal`);
    const events = (await svc.request('GET', `/v1/keys/${kept.body.id}/events`)).body.items as Array<{ type: string; data: { requestId?: string } }>;
    expect(events.find((e) => e.type === 'KeyRevealed')?.data.requestId).toBe(String(revealLine?.req?.id));
    const everything = lines.slice(from).join('\n');
    const kek = readFileSync(join(svc.dataDir, 'key-encryption-key'), 'utf8').trim();
    for (const secret of [revealer.body.key, kept.body.key, rotated.body.key, kek]) expect(everything).not.toContain(secret);
    for (const { sealed: s } of sealed)
      for (const bytes of [s.ciphertext, s.wrappedKey])
        for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(everything).not.toContain(bytes.toString(encoding));
  });
});
