import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ApiKey } from '@keys/domain';
import { KEY_EVENT_SCHEMA_VERSION, keyStreamId, RecordedKeyEvent, upcastKeyEvent } from '@key-service/events';
import { EVENT_STORE, EventStore, PgSqlClient } from '@keys/event-store';
import { foldKeyEvents, keyDetailsProjection, KeyValidationPgStore, keyValidationProjection, KeyValidationView, RedisKeyValidationStore, validationRecords } from '@keys/projections';
import { redisKeyspace } from '@key-service/verifier';
import { KEY_SNAPSHOT_SCHEMA, SNAPSHOT_EVERY } from '../../apps/key-service/src/keys/key-snapshot';
import { createTestSchema, urlWithSchema } from '../support/postgres';
import { startTestApp, TestApp } from '../support/test-app';
import { recordUsageHistory } from '../support/usage-history';

jest.setTimeout(120_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The name snapshots had while they carried the read-model documents beside the aggregate. */
const SNAPSHOT_WITH_VIEWS_SCHEMA = `api-key:1;events:${Object.entries(KEY_EVENT_SCHEMA_VERSION)
  .map(([type, version]) => `${type}@${version}`)
  .join(',')}`;

const asStored = <T>(document: T): T => JSON.parse(JSON.stringify(document)) as T;

/**
 * A command writes the key's validation view to Redis and PostgreSQL ahead of the projector. What
 * it writes must be the projection folded from the key's events, whatever a snapshot holds: a
 * snapshot left by older code (with its own, stale validation view) must never reach verifiers.
 * No projector runs here, so the command's write is the only one.
 */
describe('The validation view a command writes (distributed mode, no projector)', () => {
  let svc: TestApp;
  let store: EventStore;
  let sql: PgSqlClient;
  let drop: () => Promise<void>;
  let redis: Redis;
  let redisViews: RedisKeyValidationStore;
  const prefix = `test:command-view:${randomUUID()}:`;

  beforeAll(async () => {
    const schema = await createTestSchema('command_view');
    ({ sql, drop } = schema);
    svc = await startTestApp({
      DATABASE_URL: urlWithSchema(schema.schema),
      REDIS_URL,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
      KAFKA_TOPIC: `key-events-${randomUUID()}`,
      REDIS_KEY_PREFIX: prefix,
      // Nothing projects the query model here: a command need not wait for it.
    });
    store = svc.app.get<EventStore>(EVENT_STORE);
    redis = new Redis(REDIS_URL);
    redisViews = new RedisKeyValidationStore(redis, { prefix: redisKeyspace(prefix).validation });
  });

  afterAll(async () => {
    await svc?.close();
    if (redis) {
      await redisViews.reset();
      redis.disconnect();
    }
    await drop?.();
  });

  // The root key names the tenant: without a projector the query model cannot say whose key it is.
  const command = (key: { id: string; tenant: string }, action: string, body: Record<string, unknown> = {}) =>
    svc.request('POST', `/v1/keys/${key.id}/${action}?tenant=${key.tenant}`, { body });
  const eventsOf = async (streamId: string): Promise<RecordedKeyEvent[]> => (await store.readStream(streamId)).map((e) => upcastKeyEvent(e));

  /** The view in Redis and the records in PostgreSQL are exactly the projection's fold of every event. */
  const expectWrittenViewIsTheFold = async (streamId: string): Promise<KeyValidationView> => {
    const fold = foldKeyEvents(keyValidationProjection, null, await eventsOf(streamId)).document!;
    expect(await redisViews.view(streamId)).toStrictEqual(asStored(fold));
    const pgViews = new KeyValidationPgStore(sql);
    for (const [hash, record] of validationRecords(fold)) {
      expect(await redisViews.lookup(hash)).toStrictEqual(asStored(record));
      expect(await pgViews.lookup(hash)).toStrictEqual(asStored(record));
    }
    return fold;
  };

  it('writes the fold of the events, never the view an older snapshot carries', async () => {
    const created = (
      await svc.request('POST', '/v1/keys', { body: { name: 'hot', roles: ['read'], quota: { remaining: 1000 }, rateLimit: { limit: 100, durationMs: 60_000 } } })
    ).body;
    const streamId = keyStreamId(created.tenant, created.id);
    await recordUsageHistory(svc, created, SNAPSHOT_EVERY + 3, 2);

    // What the release before left: the aggregate beside both views, the validation view stale
    // (a projection that since changed), at the stream's newest version.
    const events = await eventsOf(streamId);
    const fresh = foldKeyEvents(keyValidationProjection, null, events).document!;
    await store.saveSnapshot(streamId, SNAPSHOT_WITH_VIEWS_SCHEMA, {
      version: events.length,
      state: {
        key: ApiKey.rehydrate(events).snapshot.state,
        details: foldKeyEvents(keyDetailsProjection, null, events).document,
        validation: { ...fresh, roles: ['stale-role'], limitUsage: { quota: null, rate: null } },
      } as unknown as Record<string, unknown>,
    });

    const disabled = await command(created, 'disable');
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ status: 'DISABLED', roles: ['read'], usageCount: (SNAPSHOT_EVERY + 3) * 2 });
    const afterDisable = await expectWrittenViewIsTheFold(streamId);
    expect(afterDisable).toMatchObject({ status: 'DISABLED', roles: ['read'] });
    // The usage history is older than the quota, so only the rate window counts it: its last minute.
    expect(afterDisable.limitUsage?.rate?.used).toBe(2);

    expect((await command(created, 'enable')).status).toBe(200);
    expect((await command(created, 'rotate', { gracePeriodSeconds: 3600 })).status).toBe(200);
    const afterRotate = await expectWrittenViewIsTheFold(streamId);
    expect(afterRotate.graceSecrets).toHaveLength(1);
  });

  it('snapshots the aggregate alone: no read-model document is kept to be written later', async () => {
    const created = (await svc.request('POST', '/v1/keys', { body: { name: 'snapshotted' } })).body;
    const streamId = keyStreamId(created.tenant, created.id);
    await recordUsageHistory(svc, created, SNAPSHOT_EVERY + 1, 1);
    const { snapshot } = await store.readStreamTail(streamId, KEY_SNAPSHOT_SCHEMA);
    expect(snapshot).not.toBeNull();
    const events = await eventsOf(streamId);
    expect(snapshot!.state).toStrictEqual(asStored(ApiKey.rehydrate(events.slice(0, snapshot!.version)).snapshot.state));

    expect((await command(created, 'revoke', { reason: 'leaked' })).status).toBe(200);
    expect(await expectWrittenViewIsTheFold(streamId)).toMatchObject({ status: 'REVOKED', graceSecrets: [] });
  });
});
