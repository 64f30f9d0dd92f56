import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { EventStore, PgliteSqlClient, PostgresEventStore, SqlClient } from '@keys/event-store';
import {
  KeyDetailsPgStore,
  KeyValidationPgStore,
  KeyValidationView,
  KeyVerificationsPgStore,
  PositionFeedRunner,
  ProjectionSink,
  RedisKeyValidationStore,
} from '@keys/projections';
import { appendReplayLog, replayLog } from '../../../bench/replay-log.generator';
import { createTestSchema } from '../../../test/support/postgres';
import { everyCommittedEvent } from '../../../test/support/committed-feed';
import { replayReadModels } from './read-model.replay';

jest.setTimeout(180_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const END = Date.UTC(2026, 0, 10, 12);

interface Models {
  details: KeyDetailsPgStore;
  validation: KeyValidationPgStore;
  verifications: KeyVerificationsPgStore;
  redis?: RedisKeyValidationStore;
  sql: SqlClient;
}

async function openModels(sql: SqlClient, redis: Redis | null, prefixes: string[]): Promise<Models> {
  const details = new KeyDetailsPgStore(sql);
  const validation = new KeyValidationPgStore(sql);
  // Retention measured from the log's end, so minute buckets are kept, as on the day it was written.
  const verifications = new KeyVerificationsPgStore(sql, { now: () => END });
  await details.init();
  await validation.init();
  await verifications.init();
  const prefix = `test:bulk-replay:${randomUUID()}:`;
  prefixes.push(prefix);
  return { details, validation, verifications, redis: redis ? new RedisKeyValidationStore(redis, { prefix }) : undefined, sql };
}

const sinksOf = (m: Models): ProjectionSink[] => [m.details, m.validation, m.verifications, ...(m.redis ? [m.redis] : [])];

/** Every row of every model, in a stable order: what "equal, row by row" compares. */
async function snapshot(m: Models) {
  const views = await m.sql.query<{ stream_id: string; version: number; doc: KeyValidationView }>(
    'SELECT stream_id, version, doc FROM key_validation_views ORDER BY stream_id',
  );
  const keys = await m.sql.query('SELECT tenant, key_id, version, name FROM key_verification_keys ORDER BY tenant, key_id');
  const redisViews: KeyValidationView[] = [];
  if (m.redis) for await (const page of m.redis.views()) redisViews.push(...page);
  redisViews.sort((a, b) => `${a.tenant}/${a.keyId}`.localeCompare(`${b.tenant}/${b.keyId}`));
  return {
    details: await m.details.dump(),
    validationViews: views.rows,
    validationHashes: await m.validation.dump(),
    verificationKeys: keys.rows,
    verificationBuckets: await m.verifications.dump(),
    redisRecords: m.redis ? await m.redis.dump() : [],
    redisViews,
  };
}

/** The model tables' indexes as PostgreSQL describes them, schema left out. */
async function indexesOf(sql: SqlClient): Promise<string[]> {
  const r = await sql.query<{ indexdef: string }>(
    `SELECT regexp_replace(indexdef, ' ON \\S+\\.', ' ON ') AS indexdef FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename LIKE 'key_verification%' ORDER BY indexname`,
  );
  return r.rows.map((row) => row.indexdef);
}

/**
 * A replay folds every key's events in memory and writes each key once: it must build, row by
 * row, what the live sinks build applying the same log a small batch at a time, on both databases
 * and in Redis, however its memory bound makes it flush and read keys back.
 */
function bulkReplayContract(name: string, open: () => Promise<{ log: SqlClient; live: SqlClient; rebuilt: SqlClient; close: () => Promise<void> }>, withRedis: boolean) {
  describe(`bulk replay on ${name}`, () => {
    let sqls: Awaited<ReturnType<typeof open>>;
    let redis: Redis | null = null;
    const prefixes: string[] = [];
    let store: PostgresEventStore;
    let live: Models;
    let events: number;

    beforeAll(async () => {
      sqls = await open();
      if (withRedis) redis = new Redis(REDIS_URL);
      store = new PostgresEventStore(sqls.log);
      await store.init();
      events = await appendReplayLog(sqls.log, replayLog({ keys: 60, windows: 30, endAt: END, label: 'bulk' }), 500);
      // Every catch-up and replay below reads the feed: let it show the whole log first.
      await everyCommittedEvent(store, sqls.log);
      live = await openModels(sqls.live, redis, prefixes);
      await new PositionFeedRunner(store, sinksOf(live), { batchSize: 50 }).catchUp();
    });

    afterAll(async () => {
      for (const prefix of prefixes) if (redis) await new RedisKeyValidationStore(redis, { prefix }).reset();
      redis?.disconnect();
      await sqls.close();
    });

    it('replays a log of every event type and schema version', async () => {
      const kinds = await sqls.log.query<{ type: string; schema_version: number; imported: boolean; n: string | number }>(
        `SELECT type, schema_version, (data->>'hashAlgorithm') = 'sha256' AS imported, count(*) AS n FROM events GROUP BY 1, 2, 3`,
      );
      const found = new Set(kinds.rows.map((k) => `${k.type}/${k.schema_version}${k.imported ? '/imported' : ''}`));
      for (const kind of ['KeyCreated/1', 'KeyCreated/2', 'KeyCreated/2/imported', 'KeyUsed/1', 'KeyUsed/2', 'KeyUpdated/1', 'KeyRotated/1', 'KeyRevoked/1', 'KeyDisabled/1', 'KeyEnabled/1'])
        expect(found).toContain(kind);
      expect(events).toBeGreaterThan(1500);
    });

    it('builds every model equal to the live one, writing each key once', async () => {
      const expected = await snapshot(live);
      expect(expected.details).toHaveLength(60);
      expect(expected.verificationBuckets.length).toBeGreaterThan(1000);
      const rebuilt = await openModels(sqls.rebuilt, redis, prefixes);
      const reports = await replayReadModels(store, sinksOf(rebuilt));
      const head = await store.headPosition();
      expect(reports.map((r) => [r.readModel, r.events, r.keys, r.position])).toEqual(
        sinksOf(rebuilt).map((s) => [s.name, events, 60, head]),
      );
      expect(await snapshot(rebuilt)).toEqual(expected);
      for (const sink of sinksOf(rebuilt)) expect(await sink.checkpoint()).toBe(head);
      // The analytics are loaded without their indexes and build them after: the same ones come back.
      expect(await indexesOf(sqls.rebuilt)).toEqual(await indexesOf(sqls.live));
    });

    it('builds the same when its memory bound makes it write and read keys back many times', async () => {
      const expected = await snapshot(live);
      const rebuilt = await openModels(sqls.rebuilt, redis, prefixes);
      // A page of 97 events touches more than 7 keys: every page ends in a flush, and the next reads its keys back.
      await replayReadModels(store, sinksOf(rebuilt), { batchSize: 97, maxKeys: 7 });
      expect(await snapshot(rebuilt)).toEqual(expected);
    });

    it('rebuilds over what a model holds without emptying it, as the Redis watchdog does', async () => {
      const expected = await snapshot(live);
      const rebuilt = await openModels(sqls.rebuilt, redis, prefixes);
      // Half the log applied live, then a replay from 0 over it: what is there already is skipped, not counted twice.
      const half = await store.readAll({ after: 0, limit: Math.floor(events / 2) });
      const partial = sinksOf(rebuilt).filter((s) => s.name !== 'key-verifications');
      for (const sink of partial) await sink.reset();
      const firstHalf = { readAll: async ({ after }: { after: number }) => (after === 0 ? half : []) } as unknown as EventStore;
      await new PositionFeedRunner(firstHalf, partial).catchUp();
      expect((await rebuilt.details.dump()).length).toBeGreaterThan(0);
      await replayReadModels(store, partial, { reset: false, batchSize: 200, maxKeys: 25 });
      const after = await snapshot(rebuilt);
      expect({ ...after, verificationKeys: [], verificationBuckets: [] }).toEqual({ ...expected, verificationKeys: [], verificationBuckets: [] });
    });
  });
}

bulkReplayContract(
  'PostgreSQL',
  async () => {
    const log = await createTestSchema('bulk_replay_log');
    const live = await createTestSchema('bulk_replay_live');
    const rebuilt = await createTestSchema('bulk_replay_rebuilt');
    return {
      log: log.sql,
      live: live.sql,
      rebuilt: rebuilt.sql,
      close: async () => {
        await log.drop();
        await live.drop();
        await rebuilt.drop();
      },
    };
  },
  true,
);

bulkReplayContract(
  'PGlite',
  async () => {
    const log = await PgliteSqlClient.open();
    const rebuilt = await PgliteSqlClient.open();
    // The live models beside the log, as the embedded service keeps them.
    return { log, live: log, rebuilt, close: async () => (await log.close(), rebuilt.close()) };
  },
  false,
);
