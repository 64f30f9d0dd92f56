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
`;
