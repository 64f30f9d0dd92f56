import { createHash, randomBytes } from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';

const sha256 = (text: string, encoding: 'base64' | 'hex') => createHash('sha256').update(text).digest(encoding);
/** A key of another system: Unkey's shape, `<prefix>_<random>`, which fails this service's checksum. */
const foreignKey = (prefix = 'uk') => `${prefix}_${randomBytes(18).toString('base64url')}`;

describe('Bulk create and import over HTTP', () => {
  let svc: TestApp;
  /** An admin key of tenant `acme`: not root, so it may not name another tenant. */
  let acmeAdmin: string;
  beforeAll(async () => {
    svc = await startTestApp();
    acmeAdmin = (await svc.request('POST', '/v1/keys', { body: { name: 'acme admin', tenant: 'acme', roles: ['admin'] } })).body.key;
    expect(acmeAdmin).toEqual(expect.any(String));
  });
  afterAll(async () => svc.close());

  const eventCount = async () => (await svc.request('GET', '/v1/audit?limit=500')).body.items.length;
  const lookups = async (): Promise<Record<'issued' | 'imported', number>> => {
    const text = (await svc.request('GET', '/metrics')).body as string;
    const count = (hash: string) => Number(new RegExp(`^key_validation_lookups_total\\{hash="${hash}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { issued: count('issued'), imported: count('imported') };
  };
  /** What `POST /v1/keys` answers for `body` alone: the error a batch item must repeat. */
  const singleCreateError = async (body: object, key?: string) => {
    const response = await svc.request('POST', '/v1/keys', { body, key });
    expect(response.status).toBeGreaterThanOrEqual(400);
    return { status: response.status, error: response.body };
  };

  it('creates each valid item and fails each bad one with the status and message a single create gives', async () => {
    await svc.request('POST', '/v1/keys', { body: { name: 'taken', id: 'batch-taken', tenant: 'acme' } });
    const badField = { name: 'x'.repeat(101) };
    const otherTenant = { name: 'elsewhere', tenant: 'globex' };
    const past = { name: 'expired', expiresAt: '2020-01-01T00:00:00Z' };
    const expected = {
      badField: await singleCreateError(badField),
      otherTenant: await singleCreateError(otherTenant, acmeAdmin),
      past: await singleCreateError(past),
      taken: await singleCreateError({ name: 'again', id: 'batch-taken' }, acmeAdmin),
    };
    expect(expected.otherTenant.error.message).toBe('Only the root key may create keys in another tenant');
    expect(expected.taken.status).toBe(409);
    const before = await eventCount();

    const response = await svc.request('POST', '/v1/keys/batch', {
      key: acmeAdmin,
      body: {
        keys: [
          { name: 'first', id: 'batch-1', roles: ['read'] },
          badField,
          otherTenant,
          { name: 'again', id: 'batch-taken' },
          { name: 'second', id: 'batch-2' },
          { name: 'twice in the batch', id: 'batch-1' },
          past,
          'not an object',
        ],
      },
    });
    expect(response.status).toBe(200);
    const results = response.body.results;
    expect(results.map((r: { status: number }) => r.status)).toEqual([201, 400, 403, 409, 201, 409, 400, 400]);
    expect(results[1]).toEqual(expected.badField);
    expect(results[2]).toEqual(expected.otherTenant);
    expect(results[3]).toEqual(expected.taken);
    expect(results[5].error.message).toBe("Key 'batch-1' already exists");
    expect(results[6]).toEqual(expected.past);
    expect(results[7].error.message).toBe('Each item must be a JSON object');
    expect(results[0].key).toMatchObject({ id: 'batch-1', tenant: 'acme', roles: ['read'], version: 1 });

    // Only the two created keys were appended, and each verifies at once with its plaintext.
    expect(await eventCount()).toBe(before + 2);
    for (const created of [results[0].key, results[4].key]) {
      const verify = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: created.key } });
      expect(verify.body).toMatchObject({ valid: true, keyId: created.id, tenant: 'acme' });
      expect((await svc.request('GET', `/v1/keys/${created.id}?tenant=acme`)).body.name).toBe(created.name);
    }
    // The key that already existed is untouched.
    expect((await svc.request('GET', '/v1/keys/batch-taken?tenant=acme')).body).toMatchObject({ name: 'taken', version: 1 });
  });

  it('refuses a batch that is empty or larger than 1,000 items as a whole, appending nothing', async () => {
    const before = await eventCount();
    const empty = await svc.request('POST', '/v1/keys/batch', { body: { keys: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('keys must contain at least 1 elements');
    const tooMany = await svc.request('POST', '/v1/keys/batch', { body: { keys: Array.from({ length: 1001 }, () => ({ name: 'n' })) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toBe('keys must contain no more than 1000 elements');
    expect(await eventCount()).toBe(before);
  });

  it('imports keys by SHA-256 in base64 or hex, each failing item with its reason, and records the algorithm, never a plaintext', async () => {
    const [unkeyStyle, hexStyle] = [foreignKey(), foreignKey()];
    await svc.request('POST', '/v1/keys', { body: { name: 'taken', id: 'legacy-taken', tenant: 'acme' } });
    const before = await eventCount();
    const response = await svc.request('POST', '/v1/keys/import', {
      key: acmeAdmin,
      body: {
        keys: [
          { hash: sha256(unkeyStyle, 'base64'), hashAlgorithm: 'sha256-base64', prefix: 'uk', name: 'from unkey', id: 'legacy-1', roles: ['read'] },
          { hash: sha256(hexStyle, 'hex'), hashAlgorithm: 'sha256-hex', prefix: 'uk', name: 'hex', id: 'legacy-2' },
          { hash: 'not-a-digest', hashAlgorithm: 'sha256-base64', name: 'bad hash' },
          { hash: sha256(foreignKey(), 'hex').slice(2), hashAlgorithm: 'sha256-hex', name: 'short hex' },
          { hash: sha256(foreignKey(), 'base64'), hashAlgorithm: 'sha256-base64', name: 'taken', id: 'legacy-taken' },
          { hash: sha256(foreignKey(), 'base64'), hashAlgorithm: 'sha256-base64', name: 'elsewhere', tenant: 'globex' },
          { hash: sha256(unkeyStyle, 'hex'), hashAlgorithm: 'sha256-hex', name: 'same key again in hex' },
          { hash: sha256(foreignKey(), 'base64'), hashAlgorithm: 'md5', name: 'bad algorithm' },
          { hash: sha256(foreignKey(), 'base64'), hashAlgorithm: 'sha256-base64', name: '' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.imported).toEqual([
      { index: 0, hash: sha256(unkeyStyle, 'base64'), keyId: 'legacy-1', tenant: 'acme' },
      { index: 1, hash: sha256(hexStyle, 'hex'), keyId: 'legacy-2', tenant: 'acme' },
    ]);
    const failed = response.body.failed.map((f: { index: number; status: number; reason: string }) => [f.index, f.status, f.reason]);
    expect(failed).toEqual([
      [2, 400, 'hash must be a SHA-256 digest in base64 (43 or 44 characters)'],
      [3, 400, 'hash must be a SHA-256 digest in hex (64 characters)'],
      [4, 409, "Key 'legacy-taken' already exists"],
      [5, 403, 'Only the root key may create keys in another tenant'],
      [6, 409, 'A key with this hash was imported already'],
      [7, 400, 'hashAlgorithm must be one of sha256-base64, sha256-hex'],
      [8, 400, 'name must be longer than or equal to 1 characters'],
    ]);
    expect(response.body.failed[0].hash).toBe('not-a-digest');
    expect(await eventCount()).toBe(before + 2);

    const history = await svc.request('GET', '/v1/keys/legacy-1/events?tenant=acme');
    const created = history.body.items[0];
    expect(created).toMatchObject({ type: 'KeyCreated', schemaVersion: 3, data: { hashAlgorithm: 'sha256', prefix: 'uk', start: 'uk_…' } });
    expect(JSON.stringify(history.body)).not.toContain(unkeyStyle);
    expect((await svc.request('GET', '/v1/keys/legacy-1?tenant=acme')).body).toMatchObject({ prefix: 'uk', start: 'uk_…', roles: ['read'] });
  });

  it('verifies an imported key with its plaintext, while a random key of the same prefix costs no lookup', async () => {
    const plaintext = foreignKey('mig');
    const imported = await svc.request('POST', '/v1/keys/import', {
      body: { keys: [{ hash: sha256(plaintext, 'base64'), hashAlgorithm: 'sha256-base64', prefix: 'mig', name: 'migrated', id: 'migrated-1', roles: ['read'] }] },
    });
    expect(imported.body.failed).toEqual([]);

    const beforeGuesses = await lookups();
    for (let i = 0; i < 20; i++) {
      const guess = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: foreignKey('mig') } });
      expect(guess.body).toEqual({ valid: false, code: 'NOT_FOUND' });
    }
    expect(await lookups()).toEqual(beforeGuesses);

    const verify = await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: plaintext, roles: ['read'] } });
    expect(verify.body).toMatchObject({ valid: true, code: 'VALID', keyId: 'migrated-1', tenant: 'default', name: 'migrated' });
    expect(await lookups()).toEqual({ ...beforeGuesses, imported: beforeGuesses.imported + 1 });

    // Revoking it works as for any key: verify then answers REVOKED for the same plaintext.
    await svc.request('POST', '/v1/keys/migrated-1/revoke', { body: {} });
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: plaintext } })).body).toMatchObject({ valid: false, code: 'REVOKED' });
  });

  // Last of the batch tests: the audit counts above read one page of 500 events.
  it('creates 1,000 keys in one call', async () => {
    const response = await svc.request('POST', '/v1/keys/batch', { body: { keys: Array.from({ length: 1000 }, (_, i) => ({ name: `k${i}` })) } });
    expect(response.status).toBe(200);
    expect(response.body.results.filter((r: { status: number }) => r.status === 201)).toHaveLength(1000);
    expect(new Set(response.body.results.map((r: { key: { id: string } }) => r.key.id)).size).toBe(1000);
  });

  it('still verifies imported keys after a restart, the index rebuilt from the events', async () => {
    const plaintext = foreignKey('re');
    await svc.request('POST', '/v1/keys/import', { body: { keys: [{ hash: sha256(plaintext, 'hex'), hashAlgorithm: 'sha256-hex', prefix: 're', name: 'kept' }] } });
    const dataDir = svc.dataDir;
    await svc.close({ keepData: true });
    svc = await startTestApp({ DATA_DIR: dataDir });
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: plaintext } })).body).toMatchObject({ valid: true, name: 'kept' });
  });
});
