import { createHash } from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe("POST /v1/keys/leaks: a company's own scanner reports leaked plaintexts", () => {
  let svc: TestApp;
  let scanner: { id: string; key: string };
  let auditor: { id: string; key: string };

  beforeAll(async () => {
    svc = await startTestApp();
    scanner = await createKey({ name: 'scanner', tenant: 'acme', roles: ['security'] });
    auditor = await createKey({ name: 'auditor', tenant: 'acme', roles: ['auditor'] });
  });
  afterAll(async () => svc.close());

  async function createKey(body: object): Promise<{ id: string; key: string }> {
    const made = await svc.request('POST', '/v1/keys', { body });
    expect(made.status).toBe(201);
    return made.body;
  }
  const eventCount = async () => (await svc.request('GET', '/v1/audit?limit=500')).body.items.length;

  it('revokes every live key among them before answering, as the reporting key, with source and url', async () => {
    const leaked = await createKey({ name: 'leaked', tenant: 'acme' });
    const noise = 'sk_not-a-key';
    const answer = await svc.request('POST', '/v1/keys/leaks', {
      key: scanner.key,
      body: { keys: [leaked.key, noise], source: 'trufflehog', url: 'https://git.example.com/c/1' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      results: [
        { tokenHash: sha256Hex(leaked.key), label: 'true_positive' },
        { tokenHash: sha256Hex(noise), label: 'false_positive' },
      ],
    });
    expect(JSON.stringify(answer.body)).not.toContain(leaked.key);
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: leaked.key } })).body.code).toBe('REVOKED');
    const history = (await svc.request('GET', `/v1/keys/${leaked.id}/events?tenant=acme`)).body.items;
    expect(history.map((e: { type: string }) => e.type)).toEqual(['KeyCreated', 'KeyRevoked']);
    expect(history[1]).toMatchObject({
      actor: { type: 'key', id: scanner.id },
      data: { reason: 'leaked', leak: { source: 'trufflehog', url: 'https://git.example.com/c/1' } },
    });

    // The same report again changes nothing more.
    const before = await eventCount();
    const again = await svc.request('POST', '/v1/keys/leaks', { key: scanner.key, body: { keys: [leaked.key] } });
    expect(again.body.results).toEqual([{ tokenHash: sha256Hex(leaked.key), label: 'true_positive' }]);
    expect(await eventCount()).toBe(before);
  });

  it('refuses a key without the admin or security role (403) and bad input (400), changing nothing', async () => {
    const live = await createKey({ name: 'live', tenant: 'acme' });
    const before = await eventCount();
    const refused = await svc.request('POST', '/v1/keys/leaks', { key: auditor.key, body: { keys: [live.key] } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/admin or security role/);
    for (const body of [{ keys: [] }, { keys: [live.key, 5] }, { keys: [live.key], url: 7 }, { keys: [live.key], extra: true }, {}]) {
      const bad = await svc.request('POST', '/v1/keys/leaks', { key: scanner.key, body });
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
      expect(JSON.stringify(bad.body)).not.toContain(live.key);
    }
    expect(await eventCount()).toBe(before);
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: live.key } })).body.code).toBe('VALID');
  });

  it("revokes an imported key reported by its original plaintext, which has no checksum of ours", async () => {
    const plaintext = 'legacy_live_0123456789abcdefghijklmnopqrstuvwxyz';
    const imported = await svc.request('POST', '/v1/keys/import', {
      body: { keys: [{ name: 'imported', tenant: 'acme', hash: sha256Hex(plaintext), hashAlgorithm: 'sha256-hex' }] },
    });
    expect(imported.status).toBe(200);
    const keyId = imported.body.imported[0].keyId;
    const answer = await svc.request('POST', '/v1/keys/leaks', { key: scanner.key, body: { keys: [plaintext] } });
    expect(answer.body.results).toEqual([{ tokenHash: sha256Hex(plaintext), label: 'true_positive' }]);
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: plaintext } })).body.code).toBe('REVOKED');
    const history = (await svc.request('GET', `/v1/keys/${keyId}/events?tenant=acme`)).body.items;
    expect(history.map((e: { type: string }) => e.type)).toEqual(['KeyCreated', 'KeyRevoked']);
  });

  it('lets the security role do nothing else', async () => {
    const listed = await svc.request('GET', '/v1/keys', { key: scanner.key });
    expect(listed.status).toBe(403);
  });
});
