import {
  AppendAlongside,
  AppendOptions,
  AppendResult,
  EventQuery,
  EventStore,
  NewEvent,
  NewStream,
  StartedStream,
  StartStreamsOptions,
  ReadAllOptions,
  StoredEvent,
  StreamRange,
  StreamSnapshot,
  StreamTail,
} from './event-store.port';
import { SqlClient, SqlQueryable, sqlState, UNIQUE_VIOLATION } from './sql-client';
import { EVENT_STORE_SCHEMA } from './event-store.schema';
import { EVENTS_APPENDED_CHANNEL_SQL, EVENTS_APPENDED_LISTENER_LOCK_SQL } from './events-appended.channel';
import { WrongExpectedVersionError } from './wrong-expected-version.error';

interface EventRow {
  global_position: string | number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  tenant: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  actor_type: string;
  actor_id: string;
  correlation_id: string;
  occurred_at: Date | string;
}

const COLUMNS = `global_position, event_id, stream_id, stream_version, tenant, type, schema_version, data,
  actor_type, actor_id, correlation_id, occurred_at`;

/**
 * COLUMNS with the time already in the ISO-8601 form events carry (UTC, milliseconds truncated as
 * a JavaScript Date truncates them): for the feed, which reads the log in bulk (replays, the relay,
 * the in-process feed), parsing a Date per row and formatting it again was a tenth of a replay's CPU.
 */
const FEED_COLUMNS = COLUMNS.replace(
  'occurred_at',
  `to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at`,
);

const INSERTED_COLUMNS = `event_id, stream_id, stream_version, tenant, type, schema_version, data,
  actor_type, actor_id, correlation_id, occurred_at`;

/** Appends of at most this many events run as prepared statements (one text per count). */
const PREPARED_APPEND_MAX_EVENTS = 4;

/** Held while DDL runs so that replicas starting together do not race on CREATE IF NOT EXISTS. */
const MIGRATION_LOCK = 7_316_001;

export async function migrate(sql: SqlClient, ddl: string): Promise<void> {
  if (sql.kind === 'pglite') return sql.exec(ddl);
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(ddl);
  });
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    tenant: row.tenant,
    type: row.type,
    version: row.stream_version,
    position: Number(row.global_position),
    occurredAt: typeof row.occurred_at === 'string' ? row.occurred_at : new Date(row.occurred_at).toISOString(),
    actor: { type: row.actor_type, id: row.actor_id },
    correlationId: row.correlation_id,
    schemaVersion: row.schema_version,
    data: row.data,
  };
}

/** The event store on PostgreSQL, over `pg` (distributed mode) or PGlite (embedded mode). */
export class PostgresEventStore implements EventStore {
  constructor(private readonly sql: SqlClient) {}

  async init(): Promise<void> {
    await migrate(this.sql, EVENT_STORE_SCHEMA);
  }

  /**
   * One statement, so one round trip in an implicit transaction: the version check, the insert
   * and (on PostgreSQL) the NOTIFY. The check inserts nothing unless the stream is at
   * `expectedVersion`; two writers that both saw the same version race on the unique
   * (stream, version) index, and the loser gets WrongExpectedVersionError as well.
   * With `options.within`, the statement and those writes run in one explicit transaction; what
   * `options.alongside` adds runs in the statement itself.
   */
  async appendToStream(
    streamId: string,
    tenant: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (events.length === 0) return { nextVersion: expectedVersion, positions: [] };
    const { within, alongside } = options;
    if (within === undefined) return this.appendWith(this.sql, streamId, tenant, expectedVersion, events, alongside);
    return this.sql.transaction(async (tx) => {
      const result = await this.appendWith(tx, streamId, tenant, expectedVersion, events, alongside);
      await within(tx);
      return result;
    });
  }

  private async appendWith(
    sql: SqlQueryable,
    streamId: string,
    tenant: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    alongside?: AppendAlongside,
  ): Promise<AppendResult> {
    const params: unknown[] = [streamId, expectedVersion, tenant];
    const at = (value: unknown, type: string) => {
      params.push(value);
      return `$${params.length}::${type}`;
    };
    const tuples = events.map(
      (event, i) =>
        `(${[
          at(event.eventId, 'uuid'),
          '$1::text',
          at(expectedVersion + i + 1, 'integer'),
          '$3::text',
          at(event.type, 'text'),
          at(event.schemaVersion, 'integer'),
          at(JSON.stringify(event.data), 'jsonb'),
          at(event.actor.type, 'text'),
          at(event.actor.id, 'text'),
          at(event.correlationId, 'text'),
          at(event.occurredAt, 'timestamptz'),
        ].join(', ')})`,
    );
    // On PostgreSQL the append also announces its positions (delivered at commit, never for a
    // failed append), so the Kafka relay leader, whichever instance it runs in, publishes at once
    // instead of at its next poll; only while a relay listens (EVENTS_APPENDED_LISTENER_LOCK_SQL).
    // The embedded mode has no relay to wake.
    const notify =
      this.sql.kind === 'postgres'
        ? `, CASE WHEN inserted.global_position IS NOT NULL AND NOT pg_try_advisory_xact_lock_shared(${EVENTS_APPENDED_LISTENER_LOCK_SQL})
             THEN pg_notify(${EVENTS_APPENDED_CHANNEL_SQL}, inserted.global_position::text)::text END AS notified`
        : '';
    // The caller's work runs over the inserted rows, so only when the version check let them in.
    // Both forms read the positions aggregated first, so every insert is done before they run.
    let alongsideCte = '';
    let alongsideColumn = '';
    if (alongside && 'writes' in alongside) {
      // Plain CTEs: PostgreSQL runs each data-modifying one exactly once, read or not; `appended`
      // has no row when nothing was inserted, so they then write nothing.
      const writes = alongside.writes(at);
      alongsideCte = `, appended AS (
           SELECT a.positions FROM (SELECT array_agg(global_position ORDER BY global_position) AS positions FROM inserted) AS a
           WHERE a.positions IS NOT NULL
         )${writes.map((write, i) => `, alongside_${i + 1} AS (${write})`).join('')}`;
    } else if (alongside) {
      // A materialized CTE (its volatile calls keep it from being inlined), read once by the scalar
      // subquery of the main select, so it runs once whatever the number of rows.
      alongsideCte = `, alongside AS (
           SELECT ${alongside.select(at, 'appended.positions')}
           FROM (SELECT array_agg(global_position ORDER BY global_position) AS positions FROM inserted) AS appended
           WHERE appended.positions IS NOT NULL
         )`;
      alongsideColumn = ', (SELECT count(*) FROM alongside) AS alongside';
    }
    let rows: Array<{ actual: string | number; global_position: string | number | null }>;
    try {
      ({ rows } = await sql.query(
        `WITH current_version AS (
           SELECT COALESCE(max(stream_version), 0) AS version FROM events WHERE stream_id = $1
         ), inserted AS (
           INSERT INTO events (${INSERTED_COLUMNS})
           SELECT v.* FROM (VALUES ${tuples.join(', ')}) AS v(${INSERTED_COLUMNS})
           WHERE (SELECT version FROM current_version) = $2::integer
           RETURNING global_position
         )${alongsideCte}
         SELECT current_version.version AS actual, inserted.global_position${notify}${alongsideColumn}
         FROM current_version LEFT JOIN inserted ON true
         ORDER BY inserted.global_position`,
        params,
        // Planning this statement cost PostgreSQL more than running it; its text depends only on
        // how many events it appends (and on the shape of `alongside`'s work), and commands append
        // one or a few.
        { prepared: events.length <= PREPARED_APPEND_MAX_EVENTS },
      ));
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION && String((error as Error).message).includes('events_stream_version_unique'))
        throw new WrongExpectedVersionError(streamId, expectedVersion, null);
      throw error;
    }
    if (rows.length === 0 || rows[0].global_position === null)
      throw new WrongExpectedVersionError(streamId, expectedVersion, Number(rows[0]?.actual ?? 0));
    return {
      nextVersion: expectedVersion + events.length,
      positions: rows.map((r) => Number(r.global_position)),
    };
  }

  /**
   * One INSERT of every stream's first event, in the caller's order (so positions follow it),
   * skipping each row whose (stream, version 1) exists: ON CONFLICT DO NOTHING also covers a writer
   * that starts the same stream concurrently (this insert waits for it and then skips), and a
   * stream named twice in the batch (the first one wins). Only one event per stream, so a stream is
   * started whole or not at all. One transaction, so the feed's (transaction_id, global_position)
   * order holds as for any append; one NOTIFY of the highest position wakes the relay.
   */
  async startStreams(streams: readonly NewStream[], options: StartStreamsOptions = {}): Promise<StartedStream[]> {
    if (streams.length === 0) return [];
    const within = options.within;
    if (within === undefined) return this.startStreamsWith(this.sql, streams);
    return this.sql.transaction(async (tx) => {
      const started = await this.startStreamsWith(tx, streams);
      await within(tx, started);
      return started;
    });
  }

  private async startStreamsWith(sql: SqlQueryable, streams: readonly NewStream[]): Promise<StartedStream[]> {
    const column = <T>(pick: (s: NewStream) => T) => streams.map(pick);
    const params: unknown[] = [
      column((s) => s.event.eventId),
      column((s) => s.streamId),
      column((s) => s.tenant),
      column((s) => s.event.type),
      column((s) => s.event.schemaVersion),
      column((s) => JSON.stringify(s.event.data)),
      column((s) => s.event.actor.type),
      column((s) => s.event.actor.id),
      column((s) => s.event.correlationId),
      column((s) => s.event.occurredAt),
    ];
    const notify =
      this.sql.kind === 'postgres'
        ? `, (SELECT CASE WHEN NOT pg_try_advisory_xact_lock_shared(${EVENTS_APPENDED_LISTENER_LOCK_SQL})
               THEN pg_notify(${EVENTS_APPENDED_CHANNEL_SQL}, max(global_position)::text)::text END FROM inserted) AS notified`
        : '';
    const { rows } = await sql.query<{ event_id: string; global_position: string | number }>(
      `WITH inserted AS (
         INSERT INTO events (${INSERTED_COLUMNS})
         SELECT v.event_id, v.stream_id, 1, v.tenant, v.type, v.schema_version, v.data::jsonb,
                v.actor_type, v.actor_id, v.correlation_id, v.occurred_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::timestamptz[]) WITH ORDINALITY
           AS v(event_id, stream_id, tenant, type, schema_version, data, actor_type, actor_id, correlation_id, occurred_at, n)
         ORDER BY v.n
         ON CONFLICT (stream_id, stream_version) DO NOTHING
         RETURNING event_id, global_position
       )
       SELECT inserted.event_id, inserted.global_position${notify} FROM inserted`,
      params,
    );
    const byEventId = new Map(rows.map((r) => [r.event_id, Number(r.global_position)]));
    return streams.map((s) => ({ streamId: s.streamId, position: byEventId.get(s.event.eventId) ?? null }));
  }

  async readStream(streamId: string, range: StreamRange = {}): Promise<StoredEvent[]> {
    // The (stream_id, stream_version) unique index serves both the filter and the order, so a page
    // of a long stream costs the page, not the stream.
    const result = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version LIMIT $3`,
      [streamId, range.afterVersion ?? 0, range.limit ?? null],
    );
    return result.rows.map(toStoredEvent);
  }

  /**
   * One statement, so one round trip and one consistent view: the snapshot comes back as a first
   * row without an event id (its state in `data`), followed by the events after it.
   */
  async readStreamTail(streamId: string, schema: string): Promise<StreamTail> {
    const result = await this.sql.query<EventRow>(
      `WITH snapshot AS (
         SELECT stream_version, state FROM stream_snapshots WHERE stream_id = $1 AND schema = $2
       )
       SELECT NULL::bigint AS global_position, NULL::uuid AS event_id, $1::text AS stream_id, stream_version,
              NULL::text AS tenant, NULL::text AS type, NULL::integer AS schema_version, state AS data,
              NULL::text AS actor_type, NULL::text AS actor_id, NULL::text AS correlation_id, NULL::timestamptz AS occurred_at
       FROM snapshot
       UNION ALL
       SELECT ${COLUMNS} FROM events
       WHERE stream_id = $1 AND stream_version > COALESCE((SELECT stream_version FROM snapshot), 0)
       ORDER BY stream_version`,
      [streamId, schema],
      { prepared: true },
    );
    const [first, ...rest] = result.rows;
    if (first && first.event_id === null) return { snapshot: { version: first.stream_version, state: first.data }, events: rest.map(toStoredEvent) };
    return { snapshot: null, events: result.rows.map(toStoredEvent) };
  }

  async saveSnapshot(streamId: string, schema: string, snapshot: StreamSnapshot): Promise<void> {
    await this.sql.query(
      `INSERT INTO stream_snapshots (stream_id, schema, stream_version, state) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (stream_id, schema) DO UPDATE SET stream_version = excluded.stream_version, state = excluded.state, taken_at = now()
       WHERE stream_snapshots.stream_version < excluded.stream_version`,
      [streamId, schema, snapshot.version, JSON.stringify(snapshot.state)],
    );
  }

  /**
   * Events after the checkpoint, in commit-safe order. Only transactions older than every one
   * still in flight are read (`pg_snapshot_xmin`), so an event whose position is lower than one
   * already read, but whose transaction commits later, is still delivered: it sorts after the
   * checkpoint because its transaction id does.
   */
  async readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    const result = await this.sql.query<EventRow>(
      `WITH checkpoint AS (
         SELECT COALESCE((SELECT transaction_id FROM events WHERE global_position = $1), '0'::xid8) AS tx
       )
       SELECT ${FEED_COLUMNS} FROM events, checkpoint
       WHERE (transaction_id, global_position) > (checkpoint.tx, $1::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id, global_position
       LIMIT $2`,
      [after, limit],
    );
    return result.rows.map(toStoredEvent);
  }

  async headPosition(): Promise<number> {
    const result = await this.sql.query<{ head: string | number | null }>(
      'SELECT max(global_position) AS head FROM events',
    );
    return Number(result.rows[0]?.head ?? 0);
  }

  async queryEvents(query: EventQuery): Promise<StoredEvent[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.tenant !== undefined) where.push(`tenant = ${param(query.tenant)}`);
    if (query.type !== undefined) where.push(`type = ${param(query.type)}`);
    if (query.actorId !== undefined) where.push(`actor_id = ${param(query.actorId)}`);
    if (query.from !== undefined) where.push(`occurred_at >= ${param(query.from)}`);
    if (query.to !== undefined) where.push(`occurred_at <= ${param(query.to)}`);
    const after = query.afterPosition !== undefined ? param(query.afterPosition) : null;
    if (after) where.push(`global_position > ${after}`);
    let order = 'global_position';
    if (query.streamId !== undefined) {
      // One stream's events are in the same order by version as by position, and only the
      // (stream_id, stream_version) index finds a page of a long stream without reading the rest:
      // ordered by position, the planner walks the whole log from its start towards a hot key's
      // events, and reads them all again for every later page. The cursor's version (when the
      // cursor is one of this stream's events, as when paging) bounds the index scan; the
      // position condition above keeps the answer exact for any other cursor.
      const stream = param(query.streamId);
      where.push(`stream_id = ${stream}`);
      if (after)
        where.push(`stream_version > COALESCE((SELECT c.stream_version FROM events c WHERE c.global_position = ${after} AND c.stream_id = ${stream}), 0)`);
      order = 'stream_version';
    }
    const result = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${order} LIMIT ${param(query.limit)}`,
      params,
    );
    return result.rows.map(toStoredEvent);
  }
}
