export const KEY_DETAILS_SCHEMA = `
CREATE TABLE IF NOT EXISTS key_details (
  key_id            TEXT NOT NULL,
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
-- Ids are unique per tenant: a key is (tenant, key_id). Tables made before that had key_id alone as
-- their primary key; its rows are unique on both as well, so only the constraint changes.
ALTER TABLE key_details DROP CONSTRAINT IF EXISTS key_details_pkey;
CREATE UNIQUE INDEX IF NOT EXISTS key_details_identity ON key_details (tenant, key_id);
-- The root key naming an id without its tenant: which tenants hold it.
CREATE INDEX IF NOT EXISTS key_details_key_id ON key_details (key_id);
CREATE INDEX IF NOT EXISTS key_details_tenant_order ON key_details (tenant, created_position);
CREATE INDEX IF NOT EXISTS key_details_order ON key_details (created_position);
-- A command's own write of its key's row, so its caller and every instance read it without waiting
-- for Kafka and the projector. Version-guarded both ways: the projector's later write of the same
-- version is a duplicate it skips, and an older command's write never regresses a newer row. The
-- advisory lock is the one upsert_key_validation_view takes (re-entrant in one transaction), so
-- whichever of the two a statement calls first, a command's locks come in one order: advisory,
-- then rows. The list position is the key's KeyCreated position, kept from the row when there is
-- one, else the doc's createdPosition (a create's append passes the position its own statement
-- inserted KeyCreated at, which a read of the log in that statement need not see), else read from
-- the log (the command committed it). Returns whether it wrote.
CREATE OR REPLACE FUNCTION upsert_key_details(p_tenant TEXT, p_key_id TEXT, p_version INTEGER, p_doc JSONB)
RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE
  current_version INTEGER;
  v_position BIGINT;
  v_doc JSONB;
BEGIN
  PERFORM pg_advisory_xact_lock(7311, hashtext(current_schema() || ':' || p_tenant || '/' || p_key_id));
  SELECT d.version, d.created_position INTO current_version, v_position FROM key_details d
   WHERE d.tenant = p_tenant AND d.key_id = p_key_id FOR UPDATE;
  IF current_version >= p_version THEN
    RETURN FALSE;
  END IF;
  IF v_position IS NULL THEN
    v_position := (p_doc->>'createdPosition')::bigint;
  END IF;
  IF v_position IS NULL THEN
    SELECT e.global_position INTO v_position FROM events e WHERE e.stream_id = p_tenant || '/' || p_key_id AND e.stream_version = 1;
    IF v_position IS NULL THEN
      RAISE EXCEPTION 'upsert_key_details: key % of tenant % has no KeyCreated in the log', p_key_id, p_tenant;
    END IF;
  END IF;
  v_doc := p_doc || jsonb_build_object('createdPosition', v_position);
  INSERT INTO key_details (key_id, tenant, version, status, owner, environment, roles, expires_at, created_position, doc)
  VALUES (p_key_id, p_tenant, p_version, v_doc->>'status', v_doc->>'owner', v_doc->>'environment',
          ARRAY(SELECT jsonb_array_elements_text(v_doc->'roles')), (v_doc->>'expiresAt')::timestamptz, v_position, v_doc)
  ON CONFLICT (tenant, key_id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,
    owner = EXCLUDED.owner, environment = EXCLUDED.environment, roles = EXCLUDED.roles,
    expires_at = EXCLUDED.expires_at, doc = EXCLUDED.doc
    WHERE key_details.version < EXCLUDED.version;
  RETURN TRUE;
END
$$;
`;
