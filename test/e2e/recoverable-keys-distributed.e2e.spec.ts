import { randomBytes } from 'node:crypto';
import { KeyEncryptionKey, KeyEncryptionKeyRing, openSecret } from '@keys/secrets';
import { Redis } from 'ioredis';
import { distributedStack, DistributedStack, TEST_REDIS_URL } from '../support/distributed-stack';
import { TopicCollector } from '../support/kafka-topic.collector';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

interface VaultRow {
  stream_id: string;
  kek_id: string;
  wrapped_key: Buffer;
  ciphertext: Buffer;
}

/**
 * Two replicas sharing KEY_ENCRYPTION_KEY: a key sealed on one is revealed on the other, the
 * revoke's transaction deletes the vault row (checked in PostgreSQL), and neither plaintexts nor
 * ciphertexts reach Kafka, PostgreSQL's read models or Redis.
 */
describe('Recoverable keys (distributed)', () => {
  const kek = randomBytes(32).toString('hex');
  let stack: DistributedStack;
  let a: TestApp;
  let b: TestApp;
  let collector: TopicCollector;

  beforeAll(async () => {
    stack = await distributedStack('recoverable_keys', { KEY_ENCRYPTION_KEY: kek });
    a = await startTestApp(stack.env);
    b = await startTestApp(stack.env);
    await stack.startProjector();
    collector = new TopicCollector(stack.env.KAFKA_BROKERS.split(','), stack.env.KAFKA_TOPIC);
    await collector.start();
  });
  afterAll(async () => {
    await collector?.stop();
    await a?.close();
    await b?.close();
    await stack?.stop();
  });

  const vaultRows = async () =>
    (await stack.sql.query<VaultRow>('SELECT stream_id, kek_id, wrapped_key, ciphertext FROM key_vault ORDER BY stream_id')).rows;

  it('reveals on any replica, refuses an admin, shreds on revoke, and keeps secrets off Kafka and the read models', async () => {
    const revealer = (await a.request('POST', '/v1/keys', { body: { name: 'revealer', tenant: 'acme', roles: ['revealer'] } })).body;
    const admin = (await a.request('POST', '/v1/keys', { body: { name: 'admin', tenant: 'acme', roles: ['admin'] } })).body;
    const kept = await a.request('POST', '/v1/keys', { body: { name: 'kept', tenant: 'acme', recoverable: true } });
    const doomed = await a.request('POST', '/v1/keys', { body: { name: 'doomed', tenant: 'acme', recoverable: true } });
    expect([kept.status, doomed.status]).toEqual([201, 201]);
    const plaintexts: string[] = [revealer.key, admin.key, kept.body.key, doomed.body.key];

    const revealed = await b.request('POST', `/v1/keys/${kept.body.id}/reveal`, { key: revealer.key });
    expect(revealed.status).toBe(200);
    expect(revealed.body.key).toBe(kept.body.key);
    expect((await b.request('POST', `/v1/keys/${kept.body.id}/reveal`, { key: admin.key })).status).toBe(403);
    const audit = await a.request('GET', `/v1/audit?tenant=acme&type=KeyRevealed`);
    expect(audit.body.items).toEqual([expect.objectContaining({ keyId: kept.body.id, actor: { type: 'key', id: revealer.id } })]);

    const sealed = await vaultRows();
    expect(sealed.map((r) => r.stream_id)).toEqual([`acme/${doomed.body.id}`, `acme/${kept.body.id}`].sort());
    const ring = new KeyEncryptionKeyRing(KeyEncryptionKey.parse(kek));
    const keptRow = sealed.find((r) => r.stream_id === `acme/${kept.body.id}`)!;
    expect(openSecret({ kekId: keptRow.kek_id, wrappedKey: keptRow.wrapped_key, ciphertext: keptRow.ciphertext }, ring, keptRow.stream_id)).toBe(kept.body.key);

    expect((await b.request('POST', `/v1/keys/${doomed.body.id}/revoke`, { body: { reason: 'shred' } })).status).toBe(200);
    expect((await vaultRows()).map((r) => r.stream_id)).toEqual([`acme/${kept.body.id}`]);
    expect((await a.request('POST', `/v1/keys/${doomed.body.id}/reveal`, { key: revealer.key })).status).toBe(409);

    // Every event relayed, the revoke's included: none carries a plaintext or a sealed byte.
    await collector.waitFor((messages) => messages.some((m) => m.headers['event-type'] === 'KeyRevoked'));
    await collector.waitFor((messages) => messages.some((m) => m.headers['event-type'] === 'KeyRevealed'));
    const relayed = collector.messages.map((m) => m.value).join('\n');
    const created = collector.messages.filter((m) => m.headers['event-type'] === 'KeyCreated').map((m) => JSON.parse(m.value));
    expect(created.filter((e) => e.data.recoverable === true).map((e) => e.keyId).sort()).toEqual([kept.body.id, doomed.body.id].sort());
    const redis = new Redis(TEST_REDIS_URL);
    let redisText = '';
    try {
      for (const key of await redis.keys(`${stack.redisKeyPrefix}*`)) {
        const type = await redis.type(key);
        if (type === 'string') redisText += (await redis.get(key)) ?? '';
        if (type === 'hash') redisText += JSON.stringify(await redis.hgetall(key));
      }
    } finally {
      redis.disconnect();
    }
    const readModels = [
      ...(await stack.sql.query<{ doc: unknown }>('SELECT doc FROM key_details')).rows.map((r) => JSON.stringify(r.doc)),
      ...(await stack.sql.query<{ data: unknown }>('SELECT data FROM events')).rows.map((r) => JSON.stringify(r.data)),
      ...(await stack.sql.query('SELECT * FROM key_validation_views')).rows.map((r) => JSON.stringify(r)),
    ].join('\n');
    for (const text of [relayed, redisText, readModels]) {
      expect(text.length).toBeGreaterThan(0);
      for (const plaintext of plaintexts) expect(text).not.toContain(plaintext);
      for (const row of sealed)
        for (const bytes of [row.ciphertext, row.wrapped_key])
          for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(text).not.toContain(bytes.toString(encoding));
    }
  });
});

describe('Recoverable keys (distributed) without KEY_ENCRYPTION_KEY', () => {
  it('refuses a recoverable create or rotation with 503 and changes nothing; other keys work as before', async () => {
    const stack = await distributedStack('recoverable_no_kek');
    const svc = await startTestApp(stack.env);
    try {
      const refused = await svc.request('POST', '/v1/keys', { body: { name: 'kept', id: 'kept', recoverable: true } });
      expect(refused.status).toBe(503);
      expect(refused.body.message).toMatch(/no KEY_ENCRYPTION_KEY/);
      expect((await svc.request('GET', '/v1/keys/kept')).status).toBe(404);
      const plain = await svc.request('POST', '/v1/keys', { body: { name: 'plain', id: 'plain' } });
      expect(plain.status).toBe(201);
      const rotate = await svc.request('POST', '/v1/keys/plain/rotate', { body: { recoverable: true } });
      expect(rotate.status).toBe(503);
      expect((await svc.request('GET', '/v1/keys/plain/events')).body.items.map((e: { type: string }) => e.type)).toEqual(['KeyCreated']);
      expect((await svc.request('POST', '/v1/keys/plain/reveal')).status).toBe(404);
    } finally {
      await svc.close();
      await stack.stop();
    }
  });
});
