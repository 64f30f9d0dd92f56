export const KEY_VALIDATION_SCHEMA = `
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
`;
