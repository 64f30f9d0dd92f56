import { randomUUID } from 'node:crypto';
import { ApiKey } from '@keys/domain';
import { KEY_EVENT_SCHEMA_VERSION, KeyEvent, keyStreamId, upcastKeyEvent } from '@key-service/events';
import { PgSqlClient, PostgresEventStore, SqlClient, WrongExpectedVersionError } from '@keys/event-store';
import { createTestSchema } from '../../../test/support/postgres';
import { KeyCommandPgWriter } from './key-command.pg-writer';
import { detailsOf } from './key-details/key-details.of-state';
import { KeyDetailsPgStore } from './key-details/key-details.pg-store';
import { validationViewOf } from './key-validation/key-validation.of-state';
import { KeyValidationPgStore } from './key-validation/key-validation.pg-store';

jest.setTimeout(60_000);

/** Every row of both models, documents as PostgreSQL prints them: equal text means the same bytes. */
async function rowsOf(sql: SqlClient) {
  const details = await sql.query(
    `SELECT tenant, key_id, version, status, owner, environment, roles, expires_at, created_position::text, doc::text
       FROM key_details ORDER BY tenant, key_id`,
  );
  const views = await sql.query('SELECT stream_id, version, doc::text FROM key_validation_views ORDER BY stream_id');
  const hashes = await sql.query('SELECT hash, stream_id, record::text FROM key_validation_hashes ORDER BY hash');
  return { details: details.rows, views: views.rows, hashes: hashes.rows };
}

/**
 * A command's rows written in its append's statement (withAppend) are the rows the projections
 * build from the same events, byte for byte, the KeyCreated position included, which only the
 * append's insert knows.
 */
describe('KeyCommandPgWriter.withAppend', () => {
  let command: { sql: PgSqlClient; drop: () => Promise<void> };
  let replayed: { sql: PgSqlClient; drop: () => Promise<void> };
  let store: PostgresEventStore;
  let writer: KeyCommandPgWriter;

  beforeAll(async () => {
    command = await createTestSchema('pg_writer_with_append');
    replayed = await createTestSchema('pg_writer_with_append_replay');
    store = new PostgresEventStore(command.sql);
    await store.init();
    for (const sql of [command.sql, replayed.sql]) {
      await new KeyDetailsPgStore(sql).init();
      await new KeyValidationPgStore(sql).init();
    }
    writer = new KeyCommandPgWriter(command.sql);
  });

  afterAll(async () => {
    await command?.drop();
    await replayed?.drop();
  });

  /** As KeyRepository's append: the key after the events, then the append carrying its rows. */
  const append = async (key: ApiKey, events: readonly KeyEvent[], now: Date, rows: 'with the append' | 'after it' = 'with the append'): Promise<ApiKey> => {
    const after = ApiKey.restore(key.snapshot);
    for (const event of events) after.apply({ ...event, occurredAt: now.toISOString() });
    const created = events.findIndex((e) => e.type === 'KeyCreated');
    const { tenant, keyId } = after.state;
    await store.appendToStream(
      keyStreamId(tenant, keyId),
      tenant,
      key.version,
      events.map((e) => ({
        eventId: randomUUID(),
        type: e.type,
        data: e.data,
        schemaVersion: KEY_EVENT_SCHEMA_VERSION[e.type],
        occurredAt: now.toISOString(),
        actor: { type: 'root', id: 'root' },
        correlationId: 'c',
      })),
      rows === 'with the append'
        ? { alongside: writer.withAppend(detailsOf(after.state, after.version), validationViewOf(after.state, after.version), created === -1 ? null : created) }
        : {},
    );
    if (rows === 'after it') await writer.write(detailsOf(after.state, after.version), validationViewOf(after.state, after.version));
    return after;
  };

  const create = (keyId: string, hash: string, now: Date) =>
    ApiKey.empty().create(
      {
        keyId,
        tenant: 'acme',
        name: keyId,
        description: null,
        hash,
        hashAlgorithm: 'hmac-sha256',
        prefix: 'sk',
        start: 'sk_…abcd',
        roles: ['read'],
        owner: 'team-a',
        environment: null,
        expiresAt: null,
        annotations: {},
        rateLimit: { limit: 5, durationMs: 60_000 },
        quota: null,
        allowedIps: ['10.0.0.0/8'],
        permissions: ['orders.read'],
      },
      now,
    );

  it('writes the rows a replay of the log builds (as write after the append does), and none for an append that fails its version check', async () => {
    const t = Date.now();
    const at = (minutes: number) => new Date(t + minutes * 60_000);
    let a = await append(ApiKey.empty(), create('key-a', 'hash-a', at(0)), at(0));
    // Another key in between, so key-a's next events do not follow its KeyCreated's position.
    let b = await append(ApiKey.empty(), create('key-b', 'hash-b', at(1)), at(1));
    a = await append(a, [...a.update({ description: 'changed', roles: ['read', 'write'] }, at(2)), ...a.disable('paused')], at(2));
    a = await append(a, a.rotate({ hash: 'hash-a2', prefix: 'sk', start: 'sk_…efgh', gracePeriodSeconds: 3600 }, at(3)), at(3));
    b = await append(b, b.revoke('leaked'), at(4));
    // The statement after the append, for a change whose append did not carry its rows.
    let c = await append(ApiKey.empty(), create('key-c', 'hash-c', at(5)), at(5), 'after it');
    c = await append(c, c.update({ name: 'renamed' }, at(6)), at(6), 'after it');
    // A stale append (the key moved on since the decision) writes nothing with it.
    const stale = ApiKey.rehydrate([]);
    await expect(append(stale, create('key-a', 'hash-clash', at(7)), at(7))).rejects.toBeInstanceOf(WrongExpectedVersionError);

    // Read by stream (readAll holds back what is newer than any transaction in flight on the database).
    const streams = await Promise.all(['key-a', 'key-b', 'key-c'].map((id) => store.readStream(keyStreamId('acme', id))));
    const events = streams
      .flat()
      .sort((x, y) => x.position - y.position)
      .map((e) => upcastKeyEvent(e));
    expect(events.map((e) => e.type)).toEqual(['KeyCreated', 'KeyCreated', 'KeyUpdated', 'KeyDisabled', 'KeyRotated', 'KeyRevoked', 'KeyCreated', 'KeyUpdated']);
    await new KeyDetailsPgStore(replayed.sql).handle(events);
    await new KeyValidationPgStore(replayed.sql).handle(events);
    const written = await rowsOf(command.sql);
    expect(written.details.map((d) => [d.key_id, d.version, d.created_position])).toEqual([
      ['key-a', 4, String(events[0].position)],
      ['key-b', 2, String(events[1].position)],
      ['key-c', 2, String(events[6].position)],
    ]);
    expect(written).toEqual(await rowsOf(replayed.sql));
    expect([a.version, b.version, c.version]).toEqual([4, 2, 2]);
  });

  it('leaves the rows of the one create that wins when creates of the same id race, without the functions\' locks', async () => {
    const now = new Date();
    const contenders = Array.from({ length: 8 }, (_, i) => append(ApiKey.empty(), create('key-raced', `hash-raced-${i}`, now), now));
    const settled = await Promise.allSettled(contenders);
    const won = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(WrongExpectedVersionError);
    const streamId = keyStreamId('acme', 'key-raced');
    const hashes = await command.sql.query<{ hash: string }>('SELECT hash FROM key_validation_hashes WHERE stream_id = $1', [streamId]);
    expect(hashes.rows.map((r) => r.hash)).toEqual([`hash-raced-${won[0]}`]);
    const [created] = await store.readStream(streamId);
    const details = await command.sql.query<{ created_position: string; doc: { createdPosition: number } }>(
      'SELECT created_position::text, doc FROM key_details WHERE tenant = $1 AND key_id = $2',
      ['acme', 'key-raced'],
    );
    expect(details.rows).toEqual([{ created_position: String(created.position), doc: expect.objectContaining({ createdPosition: created.position }) }]);
  });
});
