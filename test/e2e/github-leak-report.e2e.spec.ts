import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp, TestResponse } from '../support/test-app';

const KEY_ID = 'bbb8c5c0a3e4b7f2e0f1d6c9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9';
const PATH = '/v1/leaks/github';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** GitHub's signature: ECDSA P-256 over SHA-256 of the raw body, DER, base64. */
function signed(body: string, privateKey: KeyObject, keyId = KEY_ID): Record<string, string> {
  return {
    'content-type': 'application/json',
    'github-public-key-identifier': keyId,
    'github-public-key-signature': sign('sha256', Buffer.from(body, 'utf8'), { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
  };
}

describe('POST /v1/leaks/github: GitHub secret scanning reports leaked keys', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dir = mkdtempSync(join(tmpdir(), 'secret-scanning-'));
  let svc: TestApp;

  beforeAll(async () => {
    const keysFile = join(dir, 'keys.json');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(keysFile, JSON.stringify({ public_keys: [{ key_identifier: KEY_ID, key: pem, is_current: true }] }));
    svc = await startTestApp({ SECRET_SCANNING_KEYS_FILE: keysFile });
  });
  afterAll(async () => {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function lookups(): Promise<number> {
    const text = (await svc.request('GET', '/metrics')).body as string;
    return text
      .split('\n')
      .filter((line) => line.startsWith('key_validation_lookups_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  async function createKey(name: string): Promise<{ id: string; key: string }> {
    const made = await svc.request('POST', '/v1/keys', { body: { name, tenant: 'acme' } });
    expect(made.status).toBe(201);
    return made.body;
  }

  async function report(matches: unknown[], headers?: (body: string) => Record<string, string>): Promise<TestResponse> {
    const body = JSON.stringify(matches);
    return svc.request('POST', PATH, { key: null, rawBody: body, headers: (headers ?? ((b) => signed(b, privateKey)))(body) });
  }

  it('revokes a live key before answering, with the report in the event, and answers true_positive', async () => {
    const leaked = await createKey('leaked');
    const url = 'https://github.com/octo/repo/blob/abc/config.yml';
    const answer = await report([{ token: leaked.key, type: 'keyservice_api_key', url, source: 'content' }]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([{ token_hash: sha256Hex(leaked.key), token_type: 'keyservice_api_key', label: 'true_positive' }]);
    expect(JSON.stringify(answer.body)).not.toContain(leaked.key);

    // In force at once: no wait for any projection.
    const verified = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: leaked.key } });
    expect(verified.body).toMatchObject({ valid: false, code: 'REVOKED' });
    const history = (await svc.request('GET', `/v1/keys/${leaked.id}/events?tenant=acme`)).body.items;
    expect(history.map((e: { type: string }) => e.type)).toEqual(['KeyCreated', 'KeyRevoked']);
    expect(history[1]).toMatchObject({
      actor: { type: 'system', id: 'github-secret-scanning' },
      data: { reason: 'leaked', leak: { url, source: 'content' } },
    });
    const audit = await svc.request('GET', '/v1/audit?tenant=acme&actor=github-secret-scanning');
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: { keyId: string }) => e.keyId)).toContain(leaked.id);
  });

  it('is idempotent: the same report twice changes nothing more and still answers true_positive', async () => {
    const leaked = await createKey('twice');
    const matches = [{ token: leaked.key, type: 't', url: 'https://github.com/x', source: 'commit' }];
    expect((await report(matches)).body[0].label).toBe('true_positive');
    const again = await report(matches);
    expect(again.status).toBe(200);
    expect(again.body).toEqual([{ token_hash: sha256Hex(leaked.key), token_type: 't', label: 'true_positive' }]);
    const history = (await svc.request('GET', `/v1/keys/${leaked.id}/events?tenant=acme`)).body.items;
    expect(history.map((e: { type: string }) => e.type)).toEqual(['KeyCreated', 'KeyRevoked']);
  });

  it('answers false_positive for a random token without looking it up', async () => {
    const untouched = await createKey('untouched');
    const before = await lookups();
    const tokens = ['sk_thisisnotarealkeyatall0123456789abcdefghijklmnop', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', untouched.key.slice(0, -1) + (untouched.key.endsWith('A') ? 'B' : 'A')];
    const answer = await report(tokens.map((token) => ({ token, type: 't', url: 'https://github.com/x', source: 'content' })));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(tokens.map((token) => ({ token_hash: sha256Hex(token), token_type: 't', label: 'false_positive' })));
    expect(await lookups()).toBe(before);
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: untouched.key } })).body.code).toBe('VALID');
  });

  it('answers 401 and changes nothing for a missing, bad or foreign signature, an unknown key id, or a body altered after signing', async () => {
    const victim = await createKey('victim');
    const matches = [{ token: victim.key, type: 't', url: 'https://github.com/x', source: 'content' }];
    const cases: Record<string, (body: string) => Record<string, string>> = {
      'no headers': () => ({ 'content-type': 'application/json' }),
      'no signature': (b) => ({ ...signed(b, privateKey), 'github-public-key-signature': '' }),
      'garbage signature': (b) => ({ ...signed(b, privateKey), 'github-public-key-signature': 'bm90IGEgc2lnbmF0dXJl' }),
      'signed by another key': (b) => signed(b, stranger.privateKey),
      'unknown key identifier': (b) => signed(b, privateKey, 'not-a-key-of-the-file'),
      'body altered after signing': (b) => signed(b.replace('"content"', '"commit"'), privateKey),
      're-serialised body': (b) => signed(JSON.stringify(JSON.parse(b), null, 1), privateKey),
    };
    const eventsBefore = await eventCount();
    for (const [what, headers] of Object.entries(cases)) {
      const answer = await report(matches, headers);
      expect({ what, status: answer.status }).toEqual({ what, status: 401 });
      expect(answer.body.message).toMatch(/Github-Public-Key/);
    }
    expect(await eventCount()).toBe(eventsBefore);
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: victim.key } })).body.code).toBe('VALID');
  });

  it('refuses a signed body that is not a report with 400', async () => {
    for (const body of ['{"token":"x"}', '[{"type":"t"}]', '[1]', 'not json']) {
      const answer = await svc.request('POST', PATH, { key: null, rawBody: body, headers: signed(body, privateKey) });
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
    }
  });

  async function eventCount(): Promise<number> {
    return (await svc.request('GET', '/v1/audit?limit=500')).body.items.length;
  }
});

describe('POST /v1/leaks/github without SECRET_SCANNING_KEYS_FILE', () => {
  it('answers 404 not configured', async () => {
    const svc = await startTestApp();
    try {
      const answer = await svc.request('POST', PATH, { key: null, rawBody: '[]', headers: { 'content-type': 'application/json' } });
      expect(answer.status).toBe(404);
      expect(answer.body.message).toMatch(/not configured.*SECRET_SCANNING_KEYS_FILE/);
    } finally {
      await svc.close();
    }
  });
});

describe('SECRET_SCANNING_KEYS_FILE is checked at start', () => {
  it('stops the start with a message naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-scanning-bad-'));
    try {
      const file = join(dir, 'keys.json');
      writeFileSync(file, JSON.stringify({ public_keys: [{ key_identifier: 'k', key: 'not a pem', is_current: true }] }));
      await expect(startTestApp({ SECRET_SCANNING_KEYS_FILE: file })).rejects.toThrow(/SECRET_SCANNING_KEYS_FILE.*not a PEM public key/);
      await expect(startTestApp({ SECRET_SCANNING_KEYS_FILE: join(dir, 'missing.json') })).rejects.toThrow(/SECRET_SCANNING_KEYS_FILE: cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('POST /v1/leaks/github with SECRET_SCANNING_KEYS_URL: GitHub keys fetched, cached and refreshed', () => {
  const first = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rotatedIn = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
  /** What the local stand-in for api.github.com serves, and how often it was asked. */
  let served: Array<{ key_identifier: string; key: string; is_current: boolean }> = [];
  let failing = false;
  let fetches = 0;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // Each answer closes its connection: a kept-alive socket the server times out (5 s) just as the
    // next test's service reuses it fails that fetch before it counts, which is not what these test.
    server = createServer((request, response) => {
      fetches += 1;
      if (failing) return void response.writeHead(500, { connection: 'close' }).end('{"message":"unavailable"}');
      response.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ public_keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/meta/public_keys/secret_scanning`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    served = [{ key_identifier: 'first', key: pem(first.publicKey), is_current: true }];
    failing = false;
    fetches = 0;
  });

  /**
   * A generous fetch timeout: these specs are about fetching, not about a loaded box's slow start.
   * Warnings logged, so a fetch that fails where it should not says why in the test's output.
   */
  const fetching = () => ({ SECRET_SCANNING_KEYS_URL: url, SECRET_SCANNING_KEYS_REFRESH_SECONDS: '3600', SECRET_SCANNING_KEYS_TIMEOUT_MS: '60000', LOG_LEVEL: 'warn' });

  async function report(svc: TestApp, token: string, privateKey: KeyObject, keyId: string): Promise<TestResponse> {
    const body = JSON.stringify([{ token, type: 't', url: 'https://github.com/x', source: 'content' }]);
    return svc.request('POST', PATH, { key: null, rawBody: body, headers: signed(body, privateKey, keyId) });
  }

  it("accepts a key GitHub adds after start once a report names it, and fetches at most once per interval for unknown identifiers", async () => {
    const svc = await startTestApp(fetching());
    try {
      expect(fetches).toBe(1);
      const leaked = (await svc.request('POST', '/v1/keys', { body: { name: 'leaked' } })).body;
      expect((await report(svc, 'sk_noise', first.privateKey, 'first')).status).toBe(200);
      expect(fetches).toBe(1);

      // GitHub rotates: the new key is served, and the first report naming it makes the service fetch again.
      served.push({ key_identifier: 'rotated-in', key: pem(rotatedIn.publicKey), is_current: true });
      const accepted = await report(svc, leaked.key, rotatedIn.privateKey, 'rotated-in');
      expect(accepted.status).toBe(200);
      expect(accepted.body[0].label).toBe('true_positive');
      expect(fetches).toBe(2);

      // Forged identifiers, with the list unchanged: 401, and no more fetches within the interval.
      for (const forged of ['forged-1', 'forged-2', 'forged-3']) {
        const refused = await report(svc, leaked.key, rotatedIn.privateKey, forged);
        expect(refused.status).toBe(401);
        expect(refused.body.message).toMatch(/Github-Public-Key-Identifier names no key/);
      }
      expect(fetches).toBe(2);
    } finally {
      await svc.close();
    }
  });

  it("keeps the cached keys in force when a fetch fails, and answers 503 for the identifier it could not settle", async () => {
    const svc = await startTestApp(fetching());
    try {
      expect(fetches).toBe(1);
      failing = true;
      const live = (await svc.request('POST', '/v1/keys', { body: { name: 'live' } })).body;
      const unsettled = await report(svc, live.key, rotatedIn.privateKey, 'rotated-in');
      expect(unsettled.status).toBe(503);
      expect(unsettled.body.message).toMatch(/could not be fetched/);
      expect(fetches).toBe(2);
      expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: live.key } })).body.code).toBe('VALID');
      // The keys fetched at start still verify reports.
      expect((await report(svc, 'sk_noise', first.privateKey, 'first')).status).toBe(200);
      // Within the interval an unknown identifier is refused without another attempt.
      expect((await report(svc, live.key, rotatedIn.privateKey, 'rotated-in')).status).toBe(401);
      expect(fetches).toBe(2);
    } finally {
      await svc.close();
    }
  });

  it('refuses a URL that is not http(s) at start', async () => {
    await expect(startTestApp({ SECRET_SCANNING_KEYS_URL: 'ftp://example.com/keys' })).rejects.toThrow(/SECRET_SCANNING_KEYS_URL must be an http\(s\) URL/);
  });
});
