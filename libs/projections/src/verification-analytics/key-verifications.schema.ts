export const KEY_VERIFICATIONS_SCHEMA = `
-- Per key: the last event version applied (idempotency) and its name (for the top-keys lists).
CREATE TABLE IF NOT EXISTS key_verification_keys (
  tenant   TEXT NOT NULL,
  key_id   TEXT NOT NULL,
  version  INTEGER NOT NULL,
  name     TEXT,
  PRIMARY KEY (tenant, key_id)
);
-- One counter per key, granularity, bucket and verify code; only non-zero counters exist.
CREATE TABLE IF NOT EXISTS key_verification_buckets (
  tenant        TEXT NOT NULL,
  key_id        TEXT NOT NULL,
  granularity   TEXT NOT NULL,
  bucket_start  TIMESTAMPTZ NOT NULL,
  code          TEXT NOT NULL,
  count         BIGINT NOT NULL,
  PRIMARY KEY (tenant, key_id, granularity, bucket_start, code)
);
CREATE INDEX IF NOT EXISTS key_verification_buckets_tenant ON key_verification_buckets (tenant, granularity, bucket_start);
CREATE INDEX IF NOT EXISTS key_verification_buckets_age ON key_verification_buckets (granularity, bucket_start);
`;
