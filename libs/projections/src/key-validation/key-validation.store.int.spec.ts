import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { KeyEvent, keyStreamId, RecordedKeyEvent } from '@key-service/events';
import { createTestSchema } from '../../../../test/support/postgres';
import { foldKeyEvents } from '../key-projection';
import { InMemoryKeyValidationStore } from './in-memory-key-validation.store';
import { keyValidationProjection } from './key-validation.projection';
import { KeyValidationView, validationRecords } from './key-validation.view';
import { KeyValidationPgStore } from './key-validation.pg-store';
import { KeyValidationStore } from './key-validation.store';
import { RedisKeyValidationStore } from './redis-key-validation.store';

let position = 0;
function recorded(keyId: string, version: number, event: KeyEvent, occurredAt = new Date().toISOString()): RecordedKeyEvent {
  return {
    ...event,
    eventId: randomUUID(),
    keyId,
    tenant: 'acme',
    version,
    position: ++position,
    occurredAt,
    actor: { type: 'root', id: 'root' },
    correlationId: 'c',
    schemaVersion: 1,
  } as RecordedKeyEvent;
}

const created = (keyId: string, hash: string): KeyEvent => ({
  type: 'KeyCreated',
  data: {
    keyId,
    tenant: 'acme',
    name: 'svc',
    description: null,
    hash,
    hashAlgorithm: 'hmac-sha256',
    prefix: 'sk',
    start: 'sk_…abcd',
    roles: ['read'],
    owner: null,
    environment: null,
    expiresAt: null,
    annotations: {},
    rateLimit: null,
    quota: null,
    allowedIps: null,
    permissions: [],
  },
});

async function pgStore(schema: string) {
  const { sql, drop } = await createTestSchema(schema);
  const store = new KeyValidationPgStore(sql);
  await store.init();
  return { store, teardown: drop };
}

async function redisStore() {
  const redis = new Redis('redis://127.0.0.1:6379');
  const store = new RedisKeyValidationStore(redis, { prefix: `test:${randomUUID()}:` });
  return {
    store,
    teardown: async () => {
      await store.reset();
      redis.disconnect();
    },
  };
}

interface UpsertingStore extends KeyValidationStore {
  upsertView(view: KeyValidationView): Promise<unknown>;
}

/** A command writes the view it folded from the whole stream; the projector catches up later. */
function upsertContract(name: string, setup: () => Promise<{ store: UpsertingStore; teardown: () => Promise<void> }>) {
  describe(`${name} validation store, written ahead of the projector`, () => {
    let store: UpsertingStore;
    let teardown: () => Promise<void>;
    beforeAll(async () => ({ store, teardown } = await setup()));
    afterAll(async () => teardown());

    it('takes a revoke before the projector has even seen the key, and keeps it', async () => {
      const keyId = randomUUID();
      const events = [
        recorded(keyId, 1, created(keyId, `u-${keyId}`)),
        recorded(keyId, 2, { type: 'KeyRevoked', data: { reason: null } }),
      ];
      const view = foldKeyEvents(keyValidationProjection, null, events).document!;
      await store.upsertView(view);
      expect(await store.lookup(`u-${keyId}`)).toMatchObject({ status: 'REVOKED', version: 2 });
      await store.handle([events[0]]);
      await store.handle(events);
      expect(await store.lookup(`u-${keyId}`)).toMatchObject({ status: 'REVOKED', version: 2 });
      const stale = foldKeyEvents(keyValidationProjection, null, [events[0]]).document!;
      await store.upsertView(stale);
      expect(await store.lookup(`u-${keyId}`)).toMatchObject({ status: 'REVOKED', version: 2 });
      await store.handle([recorded(keyId, 3, { type: 'KeyUsed', data: { count: 1, firstUsedAt: 'a', lastUsedAt: 'b', outcomes: [] } })]);
      expect(await store.lookup(`u-${keyId}`)).toMatchObject({ status: 'REVOKED', version: 3 });
    });

    it('drops a rotated-out secret it wrote earlier', async () => {
      const keyId = randomUUID();
      const first = [recorded(keyId, 1, created(keyId, `r1-${keyId}`))];
      await store.upsertView(foldKeyEvents(keyValidationProjection, null, first).document!);
      const rotated = [
        ...first,
        recorded(keyId, 2, { type: 'KeyRotated', data: { hash: `r2-${keyId}`, prefix: 'sk', start: 's', previousHash: `r1-${keyId}`, previousValidUntil: null } }),
      ];
      await store.upsertView(foldKeyEvents(keyValidationProjection, null, rotated).document!);
      expect(await store.lookup(`r1-${keyId}`)).toBeNull();
      expect(await store.lookup(`r2-${keyId}`)).toMatchObject({ keyId, version: 2 });
    });

    it('ends with the newest view and only its secret when instances write versions concurrently', async () => {
      const keyId = randomUUID();
      const hash = (v: number) => `c${v}-${keyId}`;
      const events = [recorded(keyId, 1, created(keyId, hash(1)))];
      for (let v = 2; v <= 8; v++)
        events.push(recorded(keyId, v, { type: 'KeyRotated', data: { hash: hash(v), prefix: 'sk', start: 's', previousHash: hash(v - 1), previousValidUntil: null } }));
      const views = events.map((_, i) => foldKeyEvents(keyValidationProjection, null, events.slice(0, i + 1)).document!);
      // Newest first among the rest, so older writes keep arriving after newer ones.
      await Promise.all([views[0], ...views.slice(1).reverse()].map((view) => store.upsertView(view)));
      expect(await store.lookup(hash(8))).toMatchObject({ keyId, version: 8 });
      for (let v = 1; v < 8; v++) expect([v, await store.lookup(hash(v))]).toEqual([v, null]);
    });
  });
}

upsertContract('PostgreSQL', () => pgStore('validation_upsert'));

upsertContract('Redis', redisStore);

describe('PostgreSQL validation store, written by a command while the projector is half-way through the same new key', () => {
  let sql: Awaited<ReturnType<typeof createTestSchema>>['sql'];
  let drop: () => Promise<void>;
  let store: KeyValidationPgStore;
  beforeAll(async () => {
    ({ sql, drop } = await createTestSchema('validation_locks'));
    store = new KeyValidationPgStore(sql);
    await store.init();
  });
  afterAll(async () => drop());

  it('waits for the projector instead of deadlocking with it', async () => {
    const keyId = randomUUID();
    const view = foldKeyEvents(keyValidationProjection, null, [recorded(keyId, 1, created(keyId, `l-${keyId}`))]).document!;
    const [[hash, record]] = validationRecords(view);
    const projector = await sql.pool.connect();
    try {
      // The projector's statements for a key it sees first, in its order: the view's row (none
      // yet, so nothing locked), the hash rows, then the view, in one transaction.
      await projector.query('BEGIN');
      await projector.query('SELECT doc FROM key_validation_views WHERE stream_id = $1 FOR UPDATE', [keyStreamId('acme', keyId)]);
      await projector.query('INSERT INTO key_validation_hashes (hash, stream_id, record) VALUES ($1, $2, $3)', [hash, keyStreamId('acme', keyId), JSON.stringify(record)]);
      const command = store.upsertView(view);
      // The command now waits on the hash row the projector holds.
      for (let waiting = 0; waiting === 0; ) {
        const r = await sql.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT upsert_key_validation_view%'",
        );
        waiting = Number(r.rows[0].n);
      }
      // Had the command taken the view's row first, this would close a cycle, and PostgreSQL would
      // abort one of the two as a deadlock.
      await projector.query('INSERT INTO key_validation_views (stream_id, version, doc) VALUES ($1, 1, $2)', [keyStreamId('acme', keyId), JSON.stringify(view)]);
      await projector.query('COMMIT');
      await command;
    } finally {
      projector.release();
    }
    expect(await store.lookup(hash)).toMatchObject({ keyId, version: 1 });
  });
});

/** The same guarantees from each validation store verify may read: in-process, PostgreSQL, Redis. */
function validationStoreContract(name: string, setup: () => Promise<{ store: KeyValidationStore; teardown: () => Promise<void> }>) {
  describe(`${name} validation store`, () => {
    let store: KeyValidationStore;
    let teardown: () => Promise<void>;
    beforeAll(async () => ({ store, teardown } = await setup()));
    afterAll(async () => teardown());

    it('finds a created key by its hash and nothing by another', async () => {
      const keyId = randomUUID();
      await store.handle([recorded(keyId, 1, created(keyId, `h-${keyId}`))]);
      expect(await store.lookup(`h-${keyId}`)).toMatchObject({ keyId, tenant: 'acme', status: 'ACTIVE', roles: ['read'], validUntil: null, version: 1 });
      expect(await store.lookup('no-such-hash')).toBeNull();
    });

    it('ignores a redelivered event and applies the next one', async () => {
      const keyId = randomUUID();
      const first = recorded(keyId, 1, created(keyId, `h-${keyId}`));
      const revoke = recorded(keyId, 2, { type: 'KeyRevoked', data: { reason: null } });
      await store.handle([first]);
      await store.handle([first, revoke]);
      await store.handle([revoke]);
      expect(await store.lookup(`h-${keyId}`)).toMatchObject({ status: 'REVOKED', version: 2 });
    });

    it('keeps a rotated-out secret for its grace period, and drops it on revoke', async () => {
      const keyId = randomUUID();
      const until = new Date(Date.now() + 60_000).toISOString();
      await store.handle([
        recorded(keyId, 1, created(keyId, `old-${keyId}`)),
        recorded(keyId, 2, { type: 'KeyRotated', data: { hash: `new-${keyId}`, prefix: 'sk', start: 's', previousHash: `old-${keyId}`, previousValidUntil: until } }),
      ]);
      expect(await store.lookup(`old-${keyId}`)).toMatchObject({ status: 'ACTIVE', validUntil: until });
      expect(await store.lookup(`new-${keyId}`)).toMatchObject({ status: 'ACTIVE', validUntil: null });
      await store.handle([recorded(keyId, 3, { type: 'KeyRevoked', data: { reason: null } })]);
      expect(await store.lookup(`old-${keyId}`)).toBeNull();
      expect(await store.lookup(`new-${keyId}`)).toMatchObject({ status: 'REVOKED' });
    });

    it('drops the previous secret at once when a rotation has no grace period', async () => {
      const keyId = randomUUID();
      await store.handle([
        recorded(keyId, 1, created(keyId, `a-${keyId}`)),
        recorded(keyId, 2, { type: 'KeyRotated', data: { hash: `b-${keyId}`, prefix: 'sk', start: 's', previousHash: `a-${keyId}`, previousValidUntil: null } }),
      ]);
      expect(await store.lookup(`a-${keyId}`)).toBeNull();
      expect(await store.lookup(`b-${keyId}`)).toMatchObject({ keyId });
    });

    it('refuses to skip a version', async () => {
      const keyId = randomUUID();
      await store.handle([recorded(keyId, 1, created(keyId, `g-${keyId}`))]);
      await expect(store.handle([recorded(keyId, 3, { type: 'KeyDisabled', data: { reason: null } })])).rejects.toThrow(
        `key '${keyId}' is at version 1, got event version 3`,
      );
    });

    it('stores its checkpoint with what it applied', async () => {
      const keyId = randomUUID();
      await store.handle([recorded(keyId, 1, created(keyId, `c-${keyId}`))], 4242);
      expect(await store.checkpoint()).toBe(4242);
    });
  });
}

validationStoreContract('In-process', async () => ({ store: new InMemoryKeyValidationStore(), teardown: async () => undefined }));

validationStoreContract('PostgreSQL', () => pgStore('validation'));

validationStoreContract('Redis', redisStore);
