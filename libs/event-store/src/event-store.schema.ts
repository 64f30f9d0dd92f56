/**
 * The event log. `transaction_id` orders the feed: a global sequence value is taken when a row is
 * inserted, not when it commits, so positions can become visible out of order. Readers follow
 * (transaction_id, global_position) and stop below the oldest transaction still in flight, as
 * Emmett's PostgreSQL store does.
 *
 * Beside it, snapshots of streams: a snapshot caches the fold of a stream's first events, kept per
 * folding code (`schema`), so that loading a long stream reads only its tail. Deleting any or all
 * snapshots is always safe.
 *
 * A stream id is `<tenant>/<key id>` (keyStreamId in @keys/domain): ids are unique per tenant.
 * Logs written before that used the bare key id; the last statements rewrite those stream ids in
 * place, snapshots first (they name their stream the same way), in the one transaction `migrate`
 * runs this in. Only rows without a `/` change, so running it again changes nothing, and the
 * partial index keeps that check from reading the log at every start. Why rewriting is acceptable:
 * the stream id is the store's address of a stream, not part of any event (type, data, tenant,
 * actor, time and order are untouched), and docs/events.md says so.
 */
export const EVENT_STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position  BIGSERIAL PRIMARY KEY,
  transaction_id   XID8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id         UUID NOT NULL UNIQUE,
  stream_id        TEXT NOT NULL,
  stream_version   INTEGER NOT NULL,
  tenant           TEXT NOT NULL,
  type             TEXT NOT NULL,
  schema_version   INTEGER NOT NULL,
  data             JSONB NOT NULL,
  actor_type       TEXT NOT NULL,
  actor_id         TEXT NOT NULL,
  correlation_id   TEXT NOT NULL,
  occurred_at      TIMESTAMPTZ NOT NULL,
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);
CREATE INDEX IF NOT EXISTS events_feed_order ON events (transaction_id, global_position);
CREATE INDEX IF NOT EXISTS events_tenant_position ON events (tenant, global_position);
CREATE INDEX IF NOT EXISTS events_actor ON events (actor_id, global_position);
CREATE TABLE IF NOT EXISTS stream_snapshots (
  stream_id       TEXT NOT NULL,
  schema          TEXT NOT NULL,
  stream_version  INTEGER NOT NULL,
  state           JSONB NOT NULL,
  taken_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, schema)
);
CREATE INDEX IF NOT EXISTS events_untenanted_stream ON events (stream_id) WHERE strpos(stream_id, '/') = 0;
UPDATE stream_snapshots s SET stream_id = e.tenant || '/' || s.stream_id
  FROM (SELECT DISTINCT stream_id, tenant FROM events WHERE strpos(stream_id, '/') = 0) e
  WHERE strpos(s.stream_id, '/') = 0 AND e.stream_id = s.stream_id;
DELETE FROM stream_snapshots WHERE strpos(stream_id, '/') = 0;
UPDATE events SET stream_id = tenant || '/' || stream_id WHERE strpos(stream_id, '/') = 0;
`;
