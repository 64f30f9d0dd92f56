import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PgliteSqlClient } from '@keys/event-store';
import { KeyEncryptionKey, KeyEncryptionKeyRing, openSecret, SealedSecret } from '@keys/secrets';
import { startTestApp, TestApp } from '../support/test-app';

interface IssuedKey {
  readonly id: string;
  readonly key: string;
}

interface VaultRow {
  stream_id: string;
  kek_id: string;
  wrapped_key: Uint8Array;
  ciphertext: Uint8Array;
}

const sealedOf = (row: VaultRow): SealedSecret => ({ kekId: row.kek_id, wrappedKey: Buffer.from(row.wrapped_key), ciphertext: Buffer.from(row.ciphertext) });

/** Opens the stopped service's PGlite store, for what only SQL can show (the vault table, every event). */
async function withStore<T>(dataDir: string, read: (sql: PgliteSqlClient) => Promise<T>): Promise<T> {
  const sql = await PgliteSqlClient.open(join(dataDir, 'pglite'));
  try {
    return await read(sql);
  } finally {
    await sql.close();
  }
}

describe('Recoverable keys (embedded): reveal, crypto-shredding on revoke, re-wrap under a new KEK', () => {
  let svc: TestApp;
  let dataDir: string;
  let revealer: IssuedKey;
  let admin: IssuedKey;
  const issued: string[] = [];
  /** Stream ids of recoverable keys whose sealed secret a revoke or a rotation destroyed. */
  const shreddedStreams: string[] = [];

  beforeAll(async () => {
    svc = await startTestApp();
    dataDir = svc.dataDir;
    revealer = await create({ name: 'revealer', tenant: 'acme', roles: ['revealer'] });
    admin = await create({ name: 'admin', tenant: 'acme', roles: ['admin'] });
  });
  afterAll(async () => svc.close());

  async function create(body: object): Promise<IssuedKey> {
    const made = await svc.request('POST', '/v1/keys', { body });
    expect(made.status).toBe(201);
    issued.push(made.body.key);
    return made.body;
  }
  const reveal = (id: string, key?: string) => svc.request('POST', `/v1/keys/${id}/reveal`, { key });
  const history = async (id: string) => (await svc.request('GET', `/v1/keys/${id}/events?tenant=acme`)).body.items as Array<{ type: string; actor: { id: string }; data: Record<string, unknown> }>;

  it('reveals a recoverable key to a revealer, recording who and which request in the audit trail first', async () => {
    const kept = await create({ name: 'kept', tenant: 'acme', recoverable: true });
    const answer = await reveal(kept.id, revealer.key);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: kept.id, tenant: 'acme', key: kept.key, status: 'ACTIVE' });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    // The root key has the role too.
    expect((await reveal(kept.id)).body.key).toBe(kept.key);

    const events = await history(kept.id);
    expect(events.map((e) => e.type)).toEqual(['KeyCreated', 'KeyRevealed', 'KeyRevealed']);
    expect(events[0].data).toMatchObject({ recoverable: true });
    expect(events[1]).toMatchObject({ actor: { type: 'key', id: revealer.id }, data: { requestId: expect.any(String) } });
    expect(events[2]).toMatchObject({ actor: { type: 'root', id: 'root' } });
    const audit = await svc.request('GET', `/v1/audit?tenant=acme&type=KeyRevealed&actor=${revealer.id}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: { keyId: string }) => e.keyId)).toEqual([kept.id]);
    // A reveal changes nothing about the key: it still verifies, as the same key.
    expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key: kept.key } })).body.code).toBe('VALID');
  });

  it('refuses an admin without the revealer role (403), and records nothing', async () => {
    const kept = await create({ name: 'admin-cannot', tenant: 'acme', recoverable: true });
    const refused = await reveal(kept.id, admin.key);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('This key may not reveal keys: it needs the revealer role');
    expect((await history(kept.id)).map((e) => e.type)).toEqual(['KeyCreated']);
  });

  it('answers 404 for a key that is not recoverable and for another tenant, 409 once revoked, and records nothing', async () => {
    const plain = await create({ name: 'plain', tenant: 'acme' });
    const notRecoverable = await reveal(plain.id, revealer.key);
    expect(notRecoverable.status).toBe(404);
    expect(notRecoverable.body.message).toBe(`Key '${plain.id}' is not recoverable: its current secret was not issued with recoverable: true`);
    const elsewhere = await create({ name: 'elsewhere', tenant: 'other', recoverable: true });
    expect((await reveal(elsewhere.id, revealer.key)).status).toBe(404);

    const doomed = await create({ name: 'doomed', tenant: 'acme', recoverable: true });
    expect((await svc.request('POST', `/v1/keys/${doomed.id}/revoke`, { body: { reason: 'done' } })).status).toBe(200);
    const revoked = await reveal(doomed.id, revealer.key);
    expect(revoked.status).toBe(409);
    expect(revoked.body.message).toBe(`Key '${doomed.id}' is revoked; cannot reveal it`);
    expect((await history(doomed.id)).map((e) => e.type)).toEqual(['KeyCreated', 'KeyRevoked']);
    shreddedStreams.push(`acme/${doomed.id}`);
    expect((await history(plain.id)).map((e) => e.type)).toEqual(['KeyCreated']);
  });

  it('shreds a recoverable key a leak report revokes, as any revoke does', async () => {
    const leaked = await create({ name: 'leaked', tenant: 'acme', recoverable: true });
    const report = await svc.request('POST', '/v1/keys/leaks', { body: { keys: [leaked.key], source: 'test' } });
    expect(report.body.results[0].label).toBe('true_positive');
    expect((await reveal(leaked.id, revealer.key)).status).toBe(409);
    shreddedStreams.push(`acme/${leaked.id}`);
  });

  it('follows rotations: a recoverable rotation reveals the new secret, one without it ends recoverability', async () => {
    const key = await create({ name: 'rotating', tenant: 'acme', recoverable: true });
    const rotated = await svc.request('POST', `/v1/keys/${key.id}/rotate`, { body: { recoverable: true } });
    expect(rotated.status).toBe(200);
    issued.push(rotated.body.key);
    expect((await reveal(key.id, revealer.key)).body.key).toBe(rotated.body.key);
    const plainAgain = await svc.request('POST', `/v1/keys/${key.id}/rotate`, { body: {} });
    issued.push(plainAgain.body.key);
    expect((await reveal(key.id, revealer.key)).status).toBe(404);
    const types = (await history(key.id)).map((e) => e.type);
    expect(types).toEqual(['KeyCreated', 'KeyRotated', 'KeyRevealed', 'KeyRotated']);
    shreddedStreams.push(`acme/${key.id}`);
  });

  it('creates recoverable keys in a batch, and refuses recoverable on an import (400)', async () => {
    const batch = await svc.request('POST', '/v1/keys/batch', {
      body: { keys: [{ name: 'batch-kept', tenant: 'acme', recoverable: true }, { name: 'batch-plain', tenant: 'acme' }] },
    });
    expect(batch.status).toBe(200);
    const [kept, plain] = batch.body.results.map((r: { key: IssuedKey }) => r.key);
    issued.push(kept.key, plain.key);
    expect((await reveal(kept.id, revealer.key)).body.key).toBe(kept.key);
    expect((await reveal(plain.id, revealer.key)).status).toBe(404);
    const imported = await svc.request('POST', '/v1/keys/import', {
      body: { keys: [{ name: 'imp', hash: randomBytes(32).toString('base64'), hashAlgorithm: 'sha256-base64', recoverable: true }] },
    });
    expect(imported.body.failed).toEqual([expect.objectContaining({ status: 400, reason: 'recoverable is not for imported keys: this service never had their plaintext' })]);
  });

  it('destroys the sealed secret in the revoke (no vault row), re-wraps under a new KEK, and keeps plaintexts and ciphertexts out of the log and the read models', async () => {
    const shredded = await create({ name: 'shredded', tenant: 'acme', recoverable: true });
    const survivor = await create({ name: 'survivor', tenant: 'acme', recoverable: true });
    expect((await svc.request('POST', `/v1/keys/${shredded.id}/revoke`, { body: { reason: 'gone' } })).status).toBe(200);
    await svc.close({ keepData: true });

    const oldKek = KeyEncryptionKey.parse(readFileSync(join(dataDir, 'key-encryption-key'), 'utf8'));
    const { rows, events, details } = await withStore(dataDir, async (sql) => ({
      rows: (await sql.query<VaultRow>('SELECT stream_id, kek_id, wrapped_key, ciphertext FROM key_vault ORDER BY stream_id')).rows,
      events: (await sql.query<{ data: unknown }>('SELECT data FROM events')).rows.map((r) => JSON.stringify(r.data)).join('\n'),
      details: (await sql.query<{ doc: unknown }>('SELECT doc FROM key_details')).rows.map((r) => JSON.stringify(r.doc)).join('\n'),
    }));
    const byStream = new Map(rows.map((r) => [r.stream_id, r]));
    expect(byStream.has(`acme/${shredded.id}`)).toBe(false);
    expect(shreddedStreams.filter((streamId) => byStream.has(streamId))).toEqual([]);
    expect(shreddedStreams).toHaveLength(3);
    expect(byStream.has(`acme/${survivor.id}`)).toBe(true);
    expect(rows.every((r) => r.kek_id === oldKek.id)).toBe(true);
    // What is stored opens with the generated KEK, and only for its own key.
    expect(openSecret(sealedOf(byStream.get(`acme/${survivor.id}`)!), new KeyEncryptionKeyRing(oldKek), `acme/${survivor.id}`)).toBe(survivor.key);
    for (const text of [events, details]) {
      for (const plaintext of issued) expect(text).not.toContain(plaintext);
      for (const row of rows)
        for (const bytes of [row.ciphertext, row.wrapped_key])
          for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(text).not.toContain(Buffer.from(bytes).toString(encoding));
    }

    // Rotate the KEK: the new one current, the old one still unwrapping until the re-wrap.
    const newKek = randomBytes(32).toString('hex');
    svc = await startTestApp({ DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: newKek, KEY_ENCRYPTION_KEY_PREVIOUS: readFileSync(join(dataDir, 'key-encryption-key'), 'utf8') });
    expect((await reveal(survivor.id, revealer.key)).body.key).toBe(survivor.key);
    expect((await svc.request('POST', '/v1/vault/rewrap', { key: admin.key })).status).toBe(403);
    const rewrap = await svc.request('POST', '/v1/vault/rewrap');
    expect(rewrap.status).toBe(200);
    const next = KeyEncryptionKey.parse(newKek);
    expect(rewrap.body).toEqual({ currentKekId: next.id, rewrapped: rows.length, unreadable: 0, byKek: { [next.id]: rows.length } });
    expect((await svc.request('POST', '/v1/vault/rewrap')).body.rewrapped).toBe(0);
    await svc.close({ keepData: true });

    // The new KEK alone reveals; the old one no longer opens anything.
    svc = await startTestApp({ DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: newKek });
    expect((await reveal(survivor.id, revealer.key)).body.key).toBe(survivor.key);
    await svc.close({ keepData: true });
    const rewrapped = await withStore(dataDir, async (sql) => (await sql.query<VaultRow>('SELECT stream_id, kek_id, wrapped_key, ciphertext FROM key_vault')).rows);
    for (const row of rewrapped) {
      expect(row.kek_id).toBe(next.id);
      expect(() => openSecret({ ...sealedOf(row), kekId: oldKek.id }, new KeyEncryptionKeyRing(oldKek), row.stream_id)).toThrow(/altered/);
    }
    svc = await startTestApp({ DATA_DIR: dataDir, KEY_ENCRYPTION_KEY: oldKek.material.toString('hex') });
    const stale = await reveal(survivor.id, revealer.key);
    expect(stale.status).toBe(503);
    expect(stale.body.message).toMatch(new RegExp(`key-encryption key ${next.id}, which is not configured`));
    // Nothing recorded for a reveal that could not open the secret.
    expect((await history(survivor.id)).map((e) => e.type)).toEqual(['KeyCreated', 'KeyRevealed', 'KeyRevealed']);
  });
});

describe('KEY_ENCRYPTION_KEY is checked at start', () => {
  it('stops the start with a message naming the variable, never the value', async () => {
    await expect(startTestApp({ KEY_ENCRYPTION_KEY: 'not-a-key' })).rejects.toThrow(/KEY_ENCRYPTION_KEY must be 32 bytes/);
    await expect(startTestApp({ KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'), KEY_ENCRYPTION_KEY_PREVIOUS: 'abc' })).rejects.toThrow(
      /KEY_ENCRYPTION_KEY_PREVIOUS\[0\] must be 32 bytes/,
    );
  });
});
