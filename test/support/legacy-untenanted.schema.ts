import { CHECKPOINT_SCHEMA } from '@keys/projections';

/**
 * The PostgreSQL schema as releases before tenant-scoped key ids created it (event store, query
 * model, verify's fallback copy), verbatim: stream ids and validation rows keyed by the bare key
 * id, key_details keyed by key_id alone. Tests build a store of that shape and start today's code
 * on it.
 */
export const LEGACY_UNTENANTED_SCHEMA = `
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
` + CHECKPOINT_SCHEMA + `
CREATE TABLE IF NOT EXISTS key_details (
  key_id            TEXT PRIMARY KEY,
  tenant            TEXT NOT NULL,
  version           INTEGER NOT NULL,
  status            TEXT NOT NULL,
  owner             TEXT,
  environment       TEXT,
  roles             TEXT[] NOT NULL,
  expires_at        TIMESTAMPTZ,
  created_position  BIGINT NOT NULL,
  doc               JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS key_details_tenant_order ON key_details (tenant, created_position);
CREATE INDEX IF NOT EXISTS key_details_order ON key_details (created_position);
` + `
CREATE TABLE IF NOT EXISTS key_validation_views (
  key_id   TEXT PRIMARY KEY,
  version  INTEGER NOT NULL,
  doc      JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS key_validation_hashes (
  hash     TEXT PRIMARY KEY,
  key_id   TEXT NOT NULL,
  record   JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS key_validation_hashes_key ON key_validation_hashes (key_id);
-- A command's own write of a view, in one round trip (it is on the path of every revoke), with the
-- steps and locks of the transaction it replaces. Commands on one key queue on an advisory lock
-- (two-int space, class 7311; the relay's leadership is class 7316002, migrations a single bigint),
-- even before the key's row exists. Then the projector's order, so the two never deadlock: the
-- view's row, the hash rows, the view. Each statement sees what committed before it, as the
-- statements of a transaction would. p_records: [{"hash": ..., "record": {...}}, ...].
CREATE OR REPLACE FUNCTION upsert_key_validation_view(p_key_id TEXT, p_version INTEGER, p_doc JSONB, p_records JSONB)
RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE
  current_version INTEGER;
BEGIN
  PERFORM pg_advisory_xact_lock(7311, hashtext(current_schema() || ':' || p_key_id));
  SELECT version INTO current_version FROM key_validation_views WHERE key_id = p_key_id FOR UPDATE;
  IF current_version >= p_version THEN
    RETURN FALSE;
  END IF;
  DELETE FROM key_validation_hashes h
   WHERE h.key_id = p_key_id
     AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_records) r WHERE r->>'hash' = h.hash);
  INSERT INTO key_validation_hashes (hash, key_id, record)
  SELECT r->>'hash', p_key_id, r->'record' FROM jsonb_array_elements(p_records) r
  ON CONFLICT (hash) DO UPDATE SET key_id = EXCLUDED.key_id, record = EXCLUDED.record;
  INSERT INTO key_validation_views (key_id, version, doc) VALUES (p_key_id, p_version, p_doc)
  ON CONFLICT (key_id) DO UPDATE SET version = EXCLUDED.version, doc = EXCLUDED.doc
    WHERE key_validation_views.version < EXCLUDED.version;
  RETURN TRUE;
END
$$;
`;
