import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RecordedKeyEvent, upcastKeyEvent } from '@key-service/events';
import { NewEvent, PgSqlClient, PostgresEventStore } from '@keys/event-store';
import {
  foldKeyEvents,
  keyDetailsProjection,
  KeyValidationPgStore,
  keyValidationProjection,
  RedisKeyValidationStore,
  validationRecords,
} from '@keys/projections';
import { silentMessagingLogger } from '@keys/messaging';
import { generateSecret, KeyHasher } from '@key-service/verifier';
import { Projector } from '../../apps/projector/src/projector';
import { loadProjectorConfig } from '../../apps/projector/src/projector.config';
import { createTestSchema, urlWithSchema } from '../support/postgres';
import { LEGACY_UNTENANTED_SCHEMA } from '../support/legacy-untenanted.schema';
import { startTestApp, TEST_PEPPER, TestApp } from '../support/test-app';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const brokers = () => process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

jest.setTimeout(120_000);

/**
 * A store written before ids were scoped to tenants: stream ids, snapshot ids, validation rows and
 * Redis views are the bare key id. Today's service starts on it (the distributed topology, its
 * projector beside it) and migrates it: the old key keeps verifying, its history and its snapshot are
 * found, its read models go on from where they were, and another tenant may then take its id.
 */
describe('A store of the shape before tenant-scoped ids', () => {
  let sql: PgSqlClient;
  let drop: () => Promise<void>;
  let redis: Redis;
  let svc: TestApp | undefined;
  let projector: Projector | undefined;
  const prefix = `test:legacy:${randomUUID()}:`;
  const validationPrefix = `${prefix}validation:`;
  const hasher = new KeyHasher(TEST_PEPPER);
  const current = generateSecret('sk');
  const rotatedAway = generateSecret('sk');
  let lastPosition = 0;

  const newEvent = (type: string, data: object, actor = { type: 'root', id: 'root' }): NewEvent => ({
    eventId: randomUUID(),
    type,
    data,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    actor,
    correlationId: randomUUID(),
  });

  beforeAll(async () => {
    const schema = await createTestSchema('legacy');
    sql = schema.sql;
    drop = schema.drop;
    redis = new Redis(REDIS_URL);
    await sql.exec(LEGACY_UNTENANTED_SCHEMA);
    // The old code's appends: the stream id is the key id.
    const legacy = new PostgresEventStore(sql);
    const appended = [
      newEvent('KeyCreated', {
        keyId: 'prod-search', tenant: 'acme', name: 'acme search', description: null, hash: hasher.hash(rotatedAway.plaintext),
        prefix: 'sk', start: rotatedAway.start, roles: ['search'], owner: null, environment: null, expiresAt: null,
        annotations: {}, rateLimit: null, quota: null,
      }),
      newEvent('KeyRotated', {
        hash: hasher.hash(current.plaintext), prefix: 'sk', start: current.start, previousHash: hasher.hash(rotatedAway.plaintext),
        previousValidUntil: null,
      }),
      newEvent('KeyUsed', { count: 3, firstUsedAt: new Date().toISOString(), lastUsedAt: new Date().toISOString() }, { type: 'system', id: 'key-service' }),
    ];
    const { positions } = await legacy.appendToStream('prod-search', 'acme', 0, appended);
    lastPosition = positions[positions.length - 1];
    const events: RecordedKeyEvent[] = (await legacy.readStream('prod-search')).map((e) => upcastKeyEvent(e));
    await legacy.saveSnapshot('prod-search', 'some-folding-code', { version: 2, state: { marker: 'old snapshot' } });

    // Its read models as the old projections left them, checkpoints at the last event.
    const details = foldKeyEvents(keyDetailsProjection, null, events).document!;
    await sql.query(
      `INSERT INTO key_details (key_id, tenant, version, status, owner, environment, roles, expires_at, created_position, doc)
       VALUES ($1, $2, $3, $4, NULL, NULL, $5, NULL, $6, $7)`,
      ['prod-search', 'acme', details.version, details.status, details.roles, details.createdPosition, JSON.stringify(details)],
    );
    const view = foldKeyEvents(keyValidationProjection, null, events).document!;
    await sql.query('INSERT INTO key_validation_views (key_id, version, doc) VALUES ($1, $2, $3)', ['prod-search', view.version, JSON.stringify(view)]);
    for (const [hash, record] of validationRecords(view)) {
      await sql.query('INSERT INTO key_validation_hashes (hash, key_id, record) VALUES ($1, $2, $3)', [hash, 'prod-search', JSON.stringify(record)]);
      await redis.set(`${validationPrefix}hash:${hash}`, JSON.stringify(record));
    }
    await redis.set(`${validationPrefix}key:prod-search`, JSON.stringify(view));
    await redis.set(`${validationPrefix}checkpoint`, String(lastPosition));
    for (const name of ['key-details', 'key-validation-pg'])
      await sql.query('INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2)', [name, lastPosition]);

    const topic = `key-events-${randomUUID()}`;
    const env = { DATABASE_URL: urlWithSchema(schema.schema), REDIS_URL, KAFKA_BROKERS: brokers(), KAFKA_TOPIC: topic, KAFKA_GROUP_ID: `projector-${topic}`, REDIS_KEY_PREFIX: prefix };
    svc = await startTestApp(env);
    projector = await Projector.create(loadProjectorConfig(env), silentMessagingLogger);
    await projector.start();
  });

  afterAll(async () => {
    await projector?.stop();
    await svc?.close();
    await new RedisKeyValidationStore(redis, { prefix }).reset();
    redis.disconnect();
    await drop();
  });

  it('moves every stream, snapshot and read-model row to its tenant, and a second start changes nothing', async () => {
    const store = new PostgresEventStore(sql);
    expect(await store.readStream('prod-search')).toEqual([]);
    const events = await store.readStream('acme/prod-search');
    expect(events.map((e) => [e.type, e.version, e.tenant])).toEqual([
      ['KeyCreated', 1, 'acme'],
      ['KeyRotated', 2, 'acme'],
      ['KeyUsed', 3, 'acme'],
    ]);
    expect(events.map((e) => upcastKeyEvent(e).keyId)).toEqual(['prod-search', 'prod-search', 'prod-search']);
    expect((await store.readStreamTail('acme/prod-search', 'some-folding-code')).snapshot).toEqual({ version: 2, state: { marker: 'old snapshot' } });
    expect((await sql.query('SELECT stream_id FROM key_validation_views')).rows).toEqual([{ stream_id: 'acme/prod-search' }]);
    expect(await redis.exists(`${validationPrefix}key:prod-search`)).toBe(0);
    expect(JSON.parse((await redis.get(`${validationPrefix}key:acme/prod-search`))!).version).toBe(3);

    const before = (await sql.query('SELECT count(*)::int AS n FROM events')).rows[0];
    await store.init();
    await new KeyValidationPgStore(sql).init();
    expect(await new RedisKeyValidationStore(redis, { prefix: validationPrefix }).migrateViewKeys()).toBe(0);
    expect((await sql.query('SELECT count(*)::int AS n FROM events')).rows[0]).toEqual(before);
    expect((await store.readStream('acme/prod-search')).length).toBe(3);
  });

  it('serves the old key as before: get, history, verify, with its usage kept', async () => {
    const got = await svc!.request('GET', '/v1/keys/prod-search');
    expect([got.status, got.body.tenant, got.body.name, got.body.usageCount, got.body.version]).toEqual([200, 'acme', 'acme search', 3, 3]);
    const history = await svc!.request('GET', '/v1/keys/prod-search/events');
    expect(history.body.items.map((e: { type: string; keyId: string }) => [e.type, e.keyId])).toEqual([
      ['KeyCreated', 'prod-search'],
      ['KeyRotated', 'prod-search'],
      ['KeyUsed', 'prod-search'],
    ]);
    const verified = await svc!.request('POST', '/v1/keys/verify', { key: null, body: { key: current.plaintext } });
    expect(verified.body).toMatchObject({ valid: true, keyId: 'prod-search', tenant: 'acme' });
    expect((await svc!.request('POST', '/v1/keys/verify', { key: null, body: { key: rotatedAway.plaintext } })).body.code).toBe('NOT_FOUND');
  });

  it('goes on from the migrated read models, and lets another tenant take the id', async () => {
    const revoked = await svc!.request('POST', '/v1/keys/prod-search/revoke', { body: { reason: 'after the upgrade' } });
    expect([revoked.status, revoked.body.status, revoked.body.version]).toEqual([200, 'REVOKED', 4]);
    expect((await svc!.request('POST', '/v1/keys/verify', { key: null, body: { key: current.plaintext } })).body.code).toBe('REVOKED');
    const fallback = await new KeyValidationPgStore(sql).lookup(hasher.hash(current.plaintext));
    expect(fallback).toMatchObject({ keyId: 'prod-search', tenant: 'acme', status: 'REVOKED', version: 4 });

    const beta = await svc!.request('POST', '/v1/keys', { body: { id: 'prod-search', tenant: 'beta', name: 'beta search' } });
    expect([beta.status, beta.body.tenant]).toEqual([201, 'beta']);
    expect((await svc!.request('GET', '/v1/keys/prod-search?tenant=acme')).body.status).toBe('REVOKED');
    expect((await svc!.request('GET', '/v1/keys/prod-search?tenant=beta')).body.status).toBe('ACTIVE');
  });
});
