/**
 * Rows are keyed by the key's stream id, `<tenant>/<id>` (ids are unique per tenant only). Tables
 * made before that have a `key_id` column holding the bare id: the DO block renames it and
 * prefixes the tenant its documents carry, idempotently, in the transaction `migrate` runs this in.
 */
export const KEY_VALIDATION_SCHEMA = `
CREATE TABLE IF NOT EXISTS key_validation_views (
  stream_id  TEXT PRIMARY KEY,
  version    INTEGER NOT NULL,
  doc        JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS key_validation_hashes (
  hash       TEXT PRIMARY KEY,
  stream_id  TEXT NOT NULL,
  record     JSONB NOT NULL
);
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'key_validation_views' AND column_name = 'key_id') THEN
    ALTER TABLE key_validation_views RENAME COLUMN key_id TO stream_id;
    UPDATE key_validation_views SET stream_id = (doc->>'tenant') || '/' || stream_id;
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'key_validation_hashes' AND column_name = 'key_id') THEN
    ALTER TABLE key_validation_hashes RENAME COLUMN key_id TO stream_id;
    UPDATE key_validation_hashes SET stream_id = (record->>'tenant') || '/' || stream_id;
  END IF;
  -- CREATE OR REPLACE cannot rename a parameter: the old function goes first.
  IF EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = current_schema() AND p.proname = 'upsert_key_validation_view' AND 'p_key_id' = ANY(p.proargnames)) THEN
    DROP FUNCTION upsert_key_validation_view(TEXT, INTEGER, JSONB, JSONB);
  END IF;
END
$$;
CREATE INDEX IF NOT EXISTS key_validation_hashes_key ON key_validation_hashes (stream_id);
-- A command's own write of a view, in one round trip (it is on the path of every revoke), with the
-- steps and locks of the transaction it replaces. Commands on one key queue on an advisory lock
-- (two-int space, class 7311; the relay's leadership is class 7316002, migrations a single bigint),
-- even before the key's row exists. Then the projector's order, so the two never deadlock: the
-- view's row, the hash rows, the view. Each statement sees what committed before it, as the
-- statements of a transaction would. p_records: [{"hash": ..., "record": {...}}, ...].
CREATE OR REPLACE FUNCTION upsert_key_validation_view(p_stream_id TEXT, p_version INTEGER, p_doc JSONB, p_records JSONB)
RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE
  current_version INTEGER;
BEGIN
  PERFORM pg_advisory_xact_lock(7311, hashtext(current_schema() || ':' || p_stream_id));
  SELECT version INTO current_version FROM key_validation_views WHERE stream_id = p_stream_id FOR UPDATE;
  IF current_version >= p_version THEN
    RETURN FALSE;
  END IF;
  DELETE FROM key_validation_hashes h
   WHERE h.stream_id = p_stream_id
     AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_records) r WHERE r->>'hash' = h.hash);
  INSERT INTO key_validation_hashes (hash, stream_id, record)
  SELECT r->>'hash', p_stream_id, r->'record' FROM jsonb_array_elements(p_records) r
  ON CONFLICT (hash) DO UPDATE SET stream_id = EXCLUDED.stream_id, record = EXCLUDED.record;
  INSERT INTO key_validation_views (stream_id, version, doc) VALUES (p_stream_id, p_version, p_doc)
  ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, doc = EXCLUDED.doc
    WHERE key_validation_views.version < EXCLUDED.version;
  RETURN TRUE;
END
$$;
`;
