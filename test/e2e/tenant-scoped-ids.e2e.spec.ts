import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentMessagingLogger } from '@keys/messaging';
import { RedisKeyValidationStore } from '@keys/projections';
import { RedisLimitStateRestorer } from '@keys/verification';
import { redisKeyspace } from '@key-service/verifier';
import { Projector } from '../../apps/projector/src/projector';
import { UsageFlusher } from '../../apps/key-service/src/keys/using/usage-flusher.service';
import { waitUntil } from '../support/kafka-topic.collector';
import { createTestSchema, urlWithSchema } from '../support/postgres';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const brokers = () => process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

const ID = 'prod-search';
/** Lumino shows only keys whose id is a UUID (its ids are `format: uuid`), so both tenants also own this one. */
const UUID_ID = '6f1c2a9e-1d3b-4c5a-9e7f-0a1b2c3d4e5f';
const ONLY_ROOT = 'Only the root key may name another tenant';
const AMBIGUOUS = `Key id '${ID}' exists in several tenants; name one with ?tenant=`;

interface Mode {
  readonly name: string;
  start(): Promise<{ svc: TestApp; stop: () => Promise<void> }>;
}

const embedded: Mode = {
  name: 'embedded',
  async start() {
    const svc = await startTestApp();
    return { svc, stop: () => svc.close() };
  },
};

const distributed: Mode = {
  name: 'distributed (PostgreSQL, Redis, Kafka, projector)',
  async start() {
    const schema = await createTestSchema('tenant_ids');
    const topic = `key-events-${randomUUID()}`;
    const prefix = `test:tenant-ids:${randomUUID()}:`;
    const env = {
      DATABASE_URL: urlWithSchema(schema.schema),
      REDIS_URL,
      KAFKA_BROKERS: brokers(),
      KAFKA_TOPIC: topic,
      REDIS_KEY_PREFIX: prefix,
    };
    const svc = await startTestApp(env);
    const projector = await Projector.create(
      {
        databaseUrl: env.DATABASE_URL,
        kafkaBrokers: brokers().split(','),
        kafkaTopic: topic,
        kafkaGroupId: `projector-${topic}`,
        redisUrl: REDIS_URL,
        redisKeyPrefix: prefix,
        redisModelCheckMs: 5000,
      },
      silentMessagingLogger,
    );
    await projector.start();
    // Until the projector has restored the limit counters (about LIMITS_RESTORE_SETTLE_MS after a
    // start on an empty Redis), a rate limit is counted per instance; this file checks the shared one.
    const redis = new Redis(REDIS_URL);
    await waitUntil(() => new RedisLimitStateRestorer(redis, redisKeyspace(prefix).limits).isRestored(), 60_000, () => 'the limit counters to be restored');
    redis.disconnect();
    return {
      svc,
      stop: async () => {
        await projector.stop();
        await svc.close();
        const redis = new Redis(REDIS_URL);
        await new RedisKeyValidationStore(redis, { prefix }).reset();
        redis.disconnect();
        await schema.drop();
      },
    };
  },
};

/**
 * Caller-chosen ids are scoped to the tenant: two tenants each own `prod-search`, and nothing one
 * of them does (on the native API or any dialect) shows, changes or is blocked by the other's.
 */
describe.each([embedded, distributed])('Key ids are unique per tenant ($name)', (mode) => {
  let svc: TestApp;
  let stop: () => Promise<void>;
  const admin: Record<'acme' | 'beta', string> = { acme: '', beta: '' };
  const secret: Record<'acme' | 'beta', string> = { acme: '', beta: '' };

  beforeAll(async () => {
    ({ svc, stop } = await mode.start());
    for (const tenant of ['acme', 'beta'] as const) {
      const r = await svc.request('POST', '/v1/keys', { body: { name: `${tenant} admin`, tenant, roles: ['admin'] } });
      expect(r.status).toBe(201);
      admin[tenant] = r.body.key;
    }
  });
  afterAll(async () => stop?.());

  const verify = async (key: string) => (await svc.request('POST', '/v1/keys/verify', { key: null, body: { key } })).body;

  it('lets each tenant create the same id, on /v1/keys and on Fusion, without a word about the other', async () => {
    for (const tenant of ['acme', 'beta'] as const) {
      const r = await svc.request('POST', '/v1/keys', {
        key: admin[tenant],
        body: { id: ID, name: `${tenant} search`, roles: ['search'], owner: 'u-1', rateLimit: { limit: 1, durationMs: 3_600_000 } },
      });
      expect([tenant, r.status, r.body.id, r.body.tenant]).toEqual([tenant, 201, ID, tenant]);
      secret[tenant] = r.body.key;
      const fusion = await svc.request('POST', '/api/api-key', { key: admin[tenant], body: { id: 'fusion-id', name: `${tenant} fusion`, roles: [] } });
      expect([tenant, fusion.status, fusion.body.id]).toEqual([tenant, 200, 'fusion-id']);
      const uuid = await svc.request('POST', '/v1/keys', { key: admin[tenant], body: { id: UUID_ID, name: `${tenant} uuid` } });
      expect([tenant, uuid.status, uuid.body.id]).toEqual([tenant, 201, UUID_ID]);
    }
    // Within one tenant the id is still unique.
    const again = await svc.request('POST', '/v1/keys', { key: admin.acme, body: { id: ID, name: 'twice' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`Key '${ID}' already exists`);
    const fusionAgain = await svc.request('POST', '/api/api-key', { key: admin.beta, body: { id: 'fusion-id', name: 'twice', roles: [] } });
    expect(fusionAgain.status).toBe(409);
  });

  it('shows each tenant its own key on get, list and every dialect that reads by id', async () => {
    for (const tenant of ['acme', 'beta'] as const) {
      const key = admin[tenant];
      const native = await svc.request('GET', `/v1/keys/${ID}`, { key });
      expect([tenant, native.status, native.body.name, native.body.tenant]).toEqual([tenant, 200, `${tenant} search`, tenant]);
      const list = await svc.request('GET', '/v1/keys?limit=200', { key });
      const named = (list.body.items as Array<{ id: string; tenant: string; name: string }>).filter((k) => k.id === ID);
      expect(named).toEqual([expect.objectContaining({ tenant, name: `${tenant} search` })]);
      const fusion = await svc.request('GET', '/api/api-key/fusion-id', { key });
      expect([tenant, fusion.status, fusion.body.name]).toEqual([tenant, 200, `${tenant} fusion`]);
      const lumino = await svc.request('GET', `/v1/api-keys/${UUID_ID}`, { key });
      expect([tenant, lumino.status, lumino.body.name]).toEqual([tenant, 200, `${tenant} uuid`]);
      const orgV2 = await svc.request('GET', `/api/v2/api-keys/${ID}`, { key });
      expect([tenant, orgV2.status, orgV2.body.name]).toEqual([tenant, 200, `${tenant} search`]);
    }
  });

  it('verifies each secret as its own tenant\'s key, with its own rate limit', async () => {
    const acme = await verify(secret.acme);
    expect(acme).toMatchObject({ valid: true, keyId: ID, tenant: 'acme', name: 'acme search' });
    expect((await verify(secret.acme)).code).toBe('RATE_LIMITED');
    // The other tenant's counter is its own: acme's limit being used up does not touch it.
    const beta = await verify(secret.beta);
    expect(beta).toMatchObject({ valid: true, code: 'VALID', keyId: ID, tenant: 'beta', name: 'beta search' });
    await svc.app.get(UsageFlusher).flush();
    // The projector carries usage to the query model in its own time (distributed mode).
    const usage = async (tenant: string) => (await svc.request('GET', `/v1/keys/${ID}?tenant=${tenant}`)).body.usageCount;
    await waitUntil(async () => (await usage('beta')) === 1, 30_000, () => 'beta\'s usage in the query model');
    await waitUntil(async () => (await usage('acme')) === 1, 30_000, () => 'acme\'s usage in the query model');
  });

  it('updates and revokes one tenant\'s key only', async () => {
    const update = await svc.request('PATCH', `/v1/keys/${ID}`, { key: admin.acme, body: { name: 'acme renamed' } });
    expect([update.status, update.body.name, update.body.tenant]).toEqual([200, 'acme renamed', 'acme']);
    expect((await svc.request('GET', `/v1/keys/${ID}`, { key: admin.beta })).body.name).toBe('beta search');

    const revoke = await svc.request('POST', `/v1/keys/${ID}/revoke`, { key: admin.acme, body: { reason: 'rotated out' } });
    expect([revoke.status, revoke.body.status, revoke.body.tenant]).toEqual([200, 'REVOKED', 'acme']);
    expect((await verify(secret.acme)).code).toBe('REVOKED');
    expect((await svc.request('GET', `/v1/keys/${ID}`, { key: admin.beta })).body.status).toBe('ACTIVE');

    const fusionDelete = await svc.request('DELETE', '/api/api-key/fusion-id', { key: admin.beta });
    expect(fusionDelete.status).toBe(200);
    expect((await svc.request('GET', '/api/api-key/fusion-id', { key: admin.acme })).status).toBe(200);
    expect((await svc.request('GET', '/api/api-key/fusion-id', { key: admin.beta })).status).toBe(404);
  });

  it('deletes on Fireworks by id within the account only', async () => {
    const r = await svc.request('DELETE', `/v1/accounts/beta/users/u-1/apiKeys/${ID}`, { key: admin.beta });
    expect(r.status).toBe(200);
    expect((await svc.request('GET', `/v1/keys/${ID}`, { key: admin.beta })).body.status).toBe('REVOKED');
    expect((await svc.request('GET', `/v1/keys/${ID}`, { key: admin.acme })).body.name).toBe('acme renamed');
  });

  it('keeps each history and audit trail to its own tenant', async () => {
    for (const tenant of ['acme', 'beta'] as const) {
      const history = await svc.request('GET', `/v1/keys/${ID}/events`, { key: admin[tenant] });
      expect(history.status).toBe(200);
      const items = history.body.items as Array<{ tenant: string; keyId: string; type: string; version: number }>;
      expect(items.every((e) => e.tenant === tenant && e.keyId === ID)).toBe(true);
      expect(items.map((e) => e.version)).toEqual(items.map((_, i) => i + 1));
      const audit = await svc.request('GET', `/v1/audit?keyId=${ID}&limit=500`, { key: admin[tenant] });
      expect(audit.status).toBe(200);
      expect(audit.body.items.map((e: { eventId: string }) => e.eventId)).toEqual(items.map((e) => (e as unknown as { eventId: string }).eventId));
    }
    const acmeTypes = (await svc.request('GET', `/v1/keys/${ID}/events`, { key: admin.acme })).body.items.map((e: { type: string }) => e.type);
    expect(acmeTypes).toEqual(['KeyCreated', 'KeyUsed', 'KeyUpdated', 'KeyRevoked']);
    const betaTypes = (await svc.request('GET', `/v1/keys/${ID}/events`, { key: admin.beta })).body.items.map((e: { type: string }) => e.type);
    expect(betaTypes).toEqual(['KeyCreated', 'KeyUsed', 'KeyRevoked']);
  });

  it('lets the root key name the tenant, and asks it to when the id is in several', async () => {
    const ambiguous = await svc.request('GET', `/v1/keys/${ID}`);
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.message).toBe(AMBIGUOUS);
    const before = (await svc.request('GET', `/v1/keys/${ID}/events?tenant=beta`)).body.items.length;
    const refused = await svc.request('PATCH', `/v1/keys/${ID}`, { body: { name: 'which one?' } });
    expect([refused.status, refused.body.message]).toEqual([409, AMBIGUOUS]);
    expect((await svc.request('GET', `/v1/keys/${ID}/events?tenant=beta`)).body.items.length).toBe(before);

    const named = await svc.request('GET', `/v1/keys/${ID}?tenant=beta`);
    expect([named.status, named.body.tenant, named.body.name]).toEqual([200, 'beta', 'beta search']);
    const patched = await svc.request('PATCH', '/v1/keys/fusion-id?tenant=acme', { body: { description: 'root was here' } });
    expect([patched.status, patched.body.tenant, patched.body.description]).toEqual([200, 'acme', 'root was here']);
    expect((await svc.request('GET', '/v1/keys/fusion-id?tenant=beta')).body.description).toBeNull();
    expect((await svc.request('GET', `/v1/keys/${ID}?tenant=gamma`)).status).toBe(404);
    // An id only one tenant uses needs no tenant, even from the root key.
    expect((await svc.request('POST', '/v1/keys', { key: admin.acme, body: { id: 'only-acme', name: 'only' } })).status).toBe(201);
    const unique = await svc.request('POST', '/v1/keys/only-acme/disable', { body: {} });
    expect([unique.status, unique.body.tenant, unique.body.status]).toEqual([200, 'acme', 'DISABLED']);
    const audit = await svc.request('GET', `/v1/audit?keyId=${ID}&tenant=beta&limit=500`);
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
    expect(audit.body.items.every((e: { tenant: string }) => e.tenant === 'beta')).toBe(true);
  });

  it('refuses a tenant-bound key naming another tenant, and a malformed tenant', async () => {
    for (const [method, path] of [
      ['GET', `/v1/keys/${ID}?tenant=beta`],
      ['PATCH', `/v1/keys/${ID}?tenant=beta`],
      ['POST', `/v1/keys/${ID}/disable?tenant=beta`],
      ['GET', `/v1/keys/${ID}/events?tenant=beta`],
      ['GET', `/v1/audit?keyId=${ID}&tenant=beta`],
    ]) {
      const r = await svc.request(method, path, { key: admin.acme, body: method === 'PATCH' ? { name: 'x' } : method === 'POST' ? {} : undefined });
      expect([method, path, r.status, r.body.message]).toEqual([method, path, 403, ONLY_ROOT]);
    }
    expect((await svc.request('GET', `/v1/keys/${ID}?tenant=acme`, { key: admin.acme })).status).toBe(200);
    const bad = await svc.request('GET', `/v1/keys/${ID}?tenant=a%2Fb`);
    expect([bad.status, bad.body.message]).toEqual([400, 'tenant must be 1-64 characters of A-Z a-z 0-9 . _ -']);
    expect((await svc.request('GET', `/v1/keys/${ID}`, { key: admin.beta })).body.name).toBe('beta search');
  });
});
