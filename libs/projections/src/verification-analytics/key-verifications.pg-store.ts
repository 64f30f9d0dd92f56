import { keyStreamId, RecordedKeyEvent } from '@key-service/events';
import { migrate, SqlClient, SqlQueryable } from '@keys/event-store';
import { CHECKPOINT_SCHEMA, readCheckpoint, writeCheckpoint } from '../feed/checkpoint.schema';
import { ProjectionSink } from '../feed/projection-sink';
import { BulkRebuildable } from '../rebuild/bulk-rebuild';
import { KeyVerificationsBulkRebuild } from './key-verifications.bulk-rebuild';
import { foldKeyEvents, groupByKey } from '../key-projection';
import { KeyVerificationsDocument, keyVerificationsProjection } from './key-verifications.projection';
import { KEY_VERIFICATIONS_SCHEMA } from './key-verifications.schema';
import { bucketStart, expired, Granularity, GRANULARITIES, RETENTION_MS, rollUp, toBuckets, VerificationBucket } from './verification-buckets';

export interface VerificationRange {
  readonly granularity: Granularity;
  /** Buckets whose start is in [from rounded down to the granularity, to). */
  readonly from: Date;
  readonly to: Date;
}

export interface TopKey {
  readonly keyId: string;
  readonly tenant: string;
  readonly name: string | null;
  readonly total: number;
  readonly rejected: number;
}

export interface KeyVerificationsOptions {
  /** The clock retention is measured by (tests pin it). */
  readonly now?: () => number;
  /** Expired buckets are deleted at most this often (default an hour). */
  readonly pruneEveryMs?: number;
}

const TOP_KEYS = 10;

/**
 * Verification analytics in PostgreSQL (PGlite when embedded): counters per key, bucket and verify
 * code, rolled up to minute, hour and day as KeyUsed events are applied. Idempotent by per-key
 * version, the counters and the checkpoint committed in one transaction, so a redelivered event
 * never counts twice. Buckets past their retention (RETENTION_MS) are never written and are
 * deleted as they age, so a replay builds what the live model holds.
 */
export class KeyVerificationsPgStore implements ProjectionSink, BulkRebuildable {
  readonly name = keyVerificationsProjection.name;
  private readonly now: () => number;
  private readonly pruneEveryMs: number;
  private prunedAt = -Infinity;

  constructor(
    private readonly sql: SqlClient,
    options: KeyVerificationsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.pruneEveryMs = options.pruneEveryMs ?? 3_600_000;
  }

  async init(): Promise<void> {
    await migrate(this.sql, CHECKPOINT_SCHEMA + KEY_VERIFICATIONS_SCHEMA);
  }

  checkpoint(): Promise<number> {
    return readCheckpoint(this.sql, this.name);
  }

  async handle(events: readonly RecordedKeyEvent[], checkpoint?: number): Promise<void> {
    if (events.length === 0 && checkpoint === undefined) return;
    const now = this.now();
    const byKey = [...groupByKey(events).values()];
    await this.sql.transaction(async (tx) => {
      const stored = await this.lockedKeys(tx, byKey);
      const keyRows: Array<{ tenant: string; keyId: string; version: number; name: string | null }> = [];
      for (const keyEvents of byKey) {
        const document = this.fold(stored, keyEvents);
        if (!document) continue;
        keyRows.push({ tenant: document.tenant, keyId: document.keyId, version: document.version, name: document.name });
        await this.addCounters(tx, document, now);
      }
      // Every key the batch moved in one statement, not one per key.
      if (keyRows.length > 0)
        await tx.query(
          `INSERT INTO key_verification_keys (tenant, key_id, version, name)
           SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[])
           ON CONFLICT (tenant, key_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name`,
          [keyRows.map((r) => r.tenant), keyRows.map((r) => r.keyId), keyRows.map((r) => r.version), keyRows.map((r) => r.name)],
        );
      if (checkpoint !== undefined) await writeCheckpoint(tx, this.name, checkpoint);
      if (now - this.prunedAt >= this.pruneEveryMs) {
        await this.prune(tx, now);
        this.prunedAt = now;
      }
    });
  }

  /** The stored version and name of every key of a batch, locked, in one statement (in the batch's order of keys). */
  private async lockedKeys(tx: SqlQueryable, byKey: readonly RecordedKeyEvent[][]): Promise<Map<string, { version: number; name: string | null }>> {
    const stored = new Map<string, { version: number; name: string | null }>();
    if (byKey.length === 0) return stored;
    const { rows } = await tx.query<{ tenant: string; key_id: string; version: number; name: string | null }>(
      `SELECT v.tenant, v.key_id, v.version, v.name FROM key_verification_keys v
       JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(tenant, key_id, n) ON v.tenant = k.tenant AND v.key_id = k.key_id
       ORDER BY k.n FOR UPDATE OF v`,
      [byKey.map((e) => e[0].tenant), byKey.map((e) => e[0].keyId)],
    );
    for (const row of rows) stored.set(keyStreamId(row.tenant, row.key_id), { version: row.version, name: row.name });
    return stored;
  }

  /** The key's document after `events`, or null when they change nothing (duplicates). */
  private fold(stored: ReadonlyMap<string, { version: number; name: string | null }>, events: RecordedKeyEvent[]): KeyVerificationsDocument | null {
    const { tenant, keyId } = events[0];
    const row = stored.get(keyStreamId(tenant, keyId));
    const current: KeyVerificationsDocument | null = row ? { tenant, keyId, name: row.name, version: row.version, added: [] } : null;
    const { document, applied } = foldKeyEvents(keyVerificationsProjection, current, events);
    return applied === 0 || !document ? null : document;
  }

  private async addCounters(tx: SqlQueryable, document: KeyVerificationsDocument, now: number): Promise<void> {
    const { tenant, keyId } = document;
    const counters = rollUp(document.added).filter((c) => !expired(c.granularity, c.start, now));
    if (counters.length === 0) return;
    // One statement per key: rollUp sums per (bucket, code), so no row is named twice.
    await tx.query(
      `INSERT INTO key_verification_buckets (tenant, key_id, granularity, bucket_start, code, count)
       SELECT $1, $2, g, to_timestamp(s / 1000.0), c, n
       FROM unnest($3::text[], $4::bigint[], $5::text[], $6::bigint[]) AS u(g, s, c, n)
       ON CONFLICT (tenant, key_id, granularity, bucket_start, code)
       DO UPDATE SET count = key_verification_buckets.count + EXCLUDED.count`,
      [
        tenant,
        keyId,
        counters.map((c) => c.granularity),
        counters.map((c) => c.start),
        counters.map((c) => c.code),
        counters.map((c) => c.count),
      ],
    );
  }

  /** Folds in memory and writes each key and bucket once (a replay); retention as of now. */
  bulkRebuild(): KeyVerificationsBulkRebuild {
    return new KeyVerificationsBulkRebuild(this.sql, this.now());
  }

  /** Deletes buckets past their retention. */
  async prune(tx: SqlQueryable = this.sql, now = this.now()): Promise<void> {
    for (const granularity of GRANULARITIES) {
      const keep = RETENTION_MS[granularity];
      if (keep === null) continue;
      await tx.query('DELETE FROM key_verification_buckets WHERE granularity = $1 AND bucket_start < $2', [
        granularity,
        new Date(now - keep).toISOString(),
      ]);
    }
  }

  async reset(): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM key_verification_buckets');
      await tx.query('DELETE FROM key_verification_keys');
      await tx.query('DELETE FROM projection_checkpoints WHERE name = $1', [this.name]);
    });
  }

  /** One key's buckets, ascending. */
  async keyBuckets(tenant: string, keyId: string, range: VerificationRange): Promise<VerificationBucket[]> {
    const r = await this.sql.query<{ start: string | number; code: string; count: string | number }>(
      `SELECT (extract(epoch FROM bucket_start) * 1000)::bigint AS start, code, count FROM key_verification_buckets
       WHERE tenant = $1 AND key_id = $2 AND granularity = $3 AND bucket_start >= $4 AND bucket_start < $5
       ORDER BY bucket_start, code`,
      [tenant, keyId, range.granularity, ...bounds(range)],
    );
    return toBuckets(r.rows.map(numeric));
  }

  /** Buckets summed over a tenant's keys (undefined: every tenant's), ascending. */
  async tenantBuckets(tenant: string | undefined, range: VerificationRange): Promise<VerificationBucket[]> {
    const { where, params } = tenantFilter(tenant, range);
    const r = await this.sql.query<{ start: string | number; code: string; count: string | number }>(
      `SELECT (extract(epoch FROM bucket_start) * 1000)::bigint AS start, code, sum(count) AS count FROM key_verification_buckets
       WHERE ${where} GROUP BY bucket_start, code ORDER BY bucket_start, code`,
      params,
    );
    return toBuckets(r.rows.map(numeric));
  }

  /** The keys with the most answers and with the most refusals (answers other than VALID) in the range, ten of each. */
  async topKeys(tenant: string | undefined, range: VerificationRange): Promise<{ byVolume: TopKey[]; byRejections: TopKey[] }> {
    const { where, params } = tenantFilter(tenant, range);
    const top = async (order: 'total' | 'rejected'): Promise<TopKey[]> => {
      const r = await this.sql.query<{ tenant: string; key_id: string; name: string | null; total: string | number; rejected: string | number }>(
        `SELECT b.tenant, b.key_id, k.name, b.total, b.rejected FROM (
           SELECT tenant, key_id, sum(count) AS total, coalesce(sum(count) FILTER (WHERE code <> 'VALID'), 0) AS rejected
           FROM key_verification_buckets WHERE ${where} GROUP BY tenant, key_id
         ) b LEFT JOIN key_verification_keys k ON k.tenant = b.tenant AND k.key_id = b.key_id
         WHERE b.${order} > 0 ORDER BY b.${order} DESC, b.tenant, b.key_id LIMIT ${TOP_KEYS}`,
        params,
      );
      return r.rows.map((row) => ({ keyId: row.key_id, tenant: row.tenant, name: row.name, total: Number(row.total), rejected: Number(row.rejected) }));
    };
    return { byVolume: await top('total'), byRejections: await top('rejected') };
  }

  /** Every counter, in a stable order: for comparing a live model with a rebuilt one. */
  async dump(): Promise<Array<{ tenant: string; keyId: string; granularity: string; start: string; code: string; count: number }>> {
    const r = await this.sql.query<{ tenant: string; key_id: string; granularity: string; start: string | number; code: string; count: string | number }>(
      `SELECT tenant, key_id, granularity, (extract(epoch FROM bucket_start) * 1000)::bigint AS start, code, count FROM key_verification_buckets
       ORDER BY tenant, key_id, granularity, bucket_start, code`,
    );
    return r.rows.map((row) => ({
      tenant: row.tenant,
      keyId: row.key_id,
      granularity: row.granularity,
      start: new Date(Number(row.start)).toISOString(),
      code: row.code,
      count: Number(row.count),
    }));
  }
}


/** A bucket is in the range when it starts in [from rounded down to its granularity (UTC), to). */
function bounds(range: VerificationRange): [string, string] {
  return [new Date(bucketStart(range.from.getTime(), range.granularity)).toISOString(), range.to.toISOString()];
}

function tenantFilter(tenant: string | undefined, range: VerificationRange): { where: string; params: unknown[] } {
  const [from, to] = bounds(range);
  const within = 'granularity = $1 AND bucket_start >= $2 AND bucket_start < $3';
  return tenant === undefined
    ? { where: within, params: [range.granularity, from, to] }
    : { where: `tenant = $4 AND ${within}`, params: [range.granularity, from, to, tenant] };
}

function numeric(row: { start: string | number; code: string; count: string | number }): { start: number; code: string; count: number } {
  return { start: Number(row.start), code: row.code, count: Number(row.count) };
}
