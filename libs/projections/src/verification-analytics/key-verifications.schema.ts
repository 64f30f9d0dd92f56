/** The counters' primary key, named as PostgreSQL names it: a bulk replay drops it and adds it back under the same name. */
export const KEY_VERIFICATION_BUCKETS_PKEY = 'key_verification_buckets_pkey';
export const KEY_VERIFICATION_BUCKETS_KEY_COLUMNS = '(tenant, key_id, granularity, bucket_start, code)';

/**
 * The counters' secondary indexes (tenant sums, pruning by age). A replay into the emptied table
 * drops them with the primary key and builds them again once its rows are in
 * (key-verifications.bulk-rebuild.ts), so this list is the one place they are declared.
 */
export const KEY_VERIFICATION_BUCKETS_INDEXES: ReadonlyArray<{ readonly name: string; readonly columns: string }> = [
  { name: 'key_verification_buckets_tenant', columns: '(tenant, granularity, bucket_start)' },
  { name: 'key_verification_buckets_age', columns: '(granularity, bucket_start)' },
];

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
  CONSTRAINT ${KEY_VERIFICATION_BUCKETS_PKEY} PRIMARY KEY ${KEY_VERIFICATION_BUCKETS_KEY_COLUMNS}
);
${KEY_VERIFICATION_BUCKETS_INDEXES.map((i) => `CREATE INDEX IF NOT EXISTS ${i.name} ON key_verification_buckets ${i.columns};`).join('\n')}
`;
