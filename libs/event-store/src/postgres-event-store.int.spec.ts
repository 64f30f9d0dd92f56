import { createTestSchema } from '../../../test/support/postgres';
import { Client } from 'pg';
import { eventStoreContract, newEvent } from './event-store.contract';
import { PostgresEventStore } from './postgres-event-store.adapter';
import { PgliteSqlClient } from './pglite-sql-client';
import { EVENTS_APPENDED_CHANNEL_SQL, EVENTS_APPENDED_LISTENER_LOCK_SQL } from './events-appended.channel';
import { TEST_DATABASE_URL } from '../../../test/support/postgres';
import { everyCommittedEvent } from '../../../test/support/committed-feed';

eventStoreContract('PostgreSQL', async () => {
  const { sql, drop } = await createTestSchema('event_store');
  const store = new PostgresEventStore(sql);
  await store.init();
  return { store, sql, teardown: drop };
});

eventStoreContract('PGlite', async () => {
  const sql = await PgliteSqlClient.open();
  const store = new PostgresEventStore(sql);
  await store.init();
  return { store, sql, teardown: () => sql.close() };
});

describe('PostgreSQL event store position feed', () => {
  it('does not skip an event whose transaction took a lower position but commits after a later one', async () => {
    const { sql, schema, drop } = await createTestSchema('feed_gap');
    const store = new PostgresEventStore(sql);
    await store.init();
    try {
      // A transaction that takes a position and stays open, as a slow appender would.
      const slow = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
      await slow.connect();
      await slow.query('BEGIN');
      const e = newEvent('KeyCreated', { slow: true });
      const slowInsert = await slow.query(
        `INSERT INTO events (event_id, stream_id, stream_version, tenant, type, schema_version, data, actor_type, actor_id, correlation_id, occurred_at)
         VALUES ($1, 'slow', 1, 'acme', 'KeyCreated', 1, '{}', 'root', 'root', 'c', now()) RETURNING global_position`,
        [e.eventId],
      );
      const slowPosition = Number(slowInsert.rows[0].global_position);

      await store.appendToStream('fast', 'acme', 0, [newEvent('KeyCreated')]);
      const fast = await store.readStream('fast');
      expect(fast[0].position).toBeGreaterThan(slowPosition);

      // While the slow transaction is open, the feed holds back even the committed later event.
      expect(await store.readAll({ after: 0, limit: 10 })).toEqual([]);

      await slow.query('COMMIT');
      await slow.end();
      const feed = await store.readAll({ after: 0, limit: 10 });
      expect(feed.map((x) => x.streamId)).toEqual(['slow', 'fast']);
    } finally {
      await drop();
    }
  });
});

describe('PostgreSQL event store announcements', () => {
  it('announces appends (one and many streams) only while a listener holds the listener lock', async () => {
    const { sql, schema, drop } = await createTestSchema('announce');
    const store = new PostgresEventStore(sql);
    await store.init();
    const listener = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
    await listener.connect();
    try {
      const { rows } = await listener.query<{ channel: string }>(`SELECT ${EVENTS_APPENDED_CHANNEL_SQL} AS channel`);
      const payloads: string[] = [];
      listener.on('notification', (m) => payloads.push(m.payload ?? ''));
      await listener.query(`LISTEN "${rows[0].channel}"`);
      // A round trip on the listening session delivers whatever was announced before it.
      const heard = async () => {
        await listener.query('SELECT 1');
        return payloads.splice(0);
      };

      await store.appendToStream('quiet-1', 'acme', 0, [newEvent('KeyCreated')]);
      await store.startStreams([{ streamId: 'quiet-2', tenant: 'acme', event: newEvent('KeyCreated') }]);
      expect(await heard()).toEqual([]);

      await listener.query(`SELECT pg_advisory_lock(${EVENTS_APPENDED_LISTENER_LOCK_SQL})`);
      await store.appendToStream('loud-1', 'acme', 0, [newEvent('KeyCreated')]);
      await store.startStreams([{ streamId: 'loud-2', tenant: 'acme', event: newEvent('KeyCreated') }]);
      const positions = (await everyCommittedEvent(store, sql)).filter((e) => e.streamId.startsWith('loud')).map((e) => String(e.position));
      expect(await heard()).toEqual(positions);

      await listener.query(`SELECT pg_advisory_unlock(${EVENTS_APPENDED_LISTENER_LOCK_SQL})`);
      await store.appendToStream('quiet-3', 'acme', 0, [newEvent('KeyCreated')]);
      expect(await heard()).toEqual([]);
    } finally {
      await listener.end();
      await drop();
    }
  });
});
