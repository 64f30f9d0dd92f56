export const KEY_DETAILS_SCHEMA = `
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
`;
