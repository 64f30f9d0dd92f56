import { IMPORTED_HASH_PREFIX, PgValidationReader } from '@key-service/verifier';
import { keyStreamId, RecordedKeyEvent } from '@key-service/events';
import { migrate, SqlClient, SqlQueryable } from '@keys/event-store';
import { CHECKPOINT_SCHEMA, readCheckpoint, writeCheckpoint } from '../feed/checkpoint.schema';
import { foldKeyEvents, groupByKey, newestVersions, UP_TO_DATE } from '../key-projection';
import { keyValidationProjection } from './key-validation.projection';
import { KEY_VALIDATION_SCHEMA } from './key-validation.schema';
import { KeyValidationStore } from './key-validation.store';
import { BulkRebuildable } from '../rebuild/bulk-rebuild';
import { KeyValidationPgBulkRebuild } from './key-validation.pg-bulk-rebuild';
import { droppedHashes, KeyValidationView, validationRecords, ValidationRecord } from './key-validation.view';

/**
 * The validation model in PostgreSQL: what verify falls back to when Redis is unreachable. Same
 * projection as the Redis model; documents, hash rows and checkpoint commit in one transaction.
 */
export class KeyValidationPgStore implements KeyValidationStore, BulkRebuildable {
  readonly name = 'key-validation-pg';

  constructor(private readonly sql: SqlClient) {}

  async init(): Promise<void> {
    await migrate(this.sql, CHECKPOINT_SCHEMA + KEY_VALIDATION_SCHEMA);
  }

  checkpoint(): Promise<number> {
    return readCheckpoint(this.sql, this.name);
  }

  async handle(events: readonly RecordedKeyEvent[], checkpoint?: number): Promise<void> {
    if (events.length === 0 && checkpoint === undefined) return;
    const byKey = [...groupByKey(events)];
    await this.sql.transaction(async (tx) => {
      const current = await this.lockedViews(
        tx,
        byKey.map(([streamId]) => streamId),
        newestVersions(byKey.map(([, keyEvents]) => keyEvents)),
      );
      for (const [streamId, keyEvents] of byKey) {
        const stored = current.get(streamId);
        // A view at or past every event of the batch: all duplicates, which the fold would skip.
        if (stored === UP_TO_DATE) continue;
        await this.applyToKey(tx, streamId, stored ?? null, keyEvents);
      }
      if (checkpoint !== undefined) await writeCheckpoint(tx, this.name, checkpoint);
    });
  }

  private async applyToKey(tx: SqlQueryable, streamId: string, before: KeyValidationView | null, events: RecordedKeyEvent[]): Promise<void> {
    const { document, applied } = foldKeyEvents(keyValidationProjection, before, events);
    if (applied === 0 || !document) return;
    await this.write(tx, streamId, before, document);
  }

  /** As RedisKeyValidationStore.upsertView: a command's own write, skipped when the model is already there. */
  async upsertView(view: KeyValidationView): Promise<void> {
    // One round trip where a transaction of its steps took five: this write is on a revoke's path.
    const records = validationRecords(view).map(([hash, record]) => ({ hash, record }));
    await this.sql.query('SELECT upsert_key_validation_view($1, $2, $3::jsonb, $4::jsonb)', [
      keyStreamId(view.tenant, view.keyId),
      view.version,
      JSON.stringify(view),
      JSON.stringify(records),
    ]);
  }

  /**
   * The views of every key of a batch, locked, in one statement instead of one per key: a Kafka
   * batch of events the commands already wrote costs this read and nothing else. Rows are locked in
   * the batch's order of keys (ORDER BY is applied before FOR UPDATE locks), the order a command's
   * writeMany and the per-key loop this replaced take them, so the two cannot deadlock. A view
   * whose version is already `newest` for its key comes back as UP_TO_DATE, without its document:
   * a live batch is mostly such keys, and reading and parsing each one's document was most of
   * what the projector spent on them.
   */
  private async lockedViews(tx: SqlQueryable, streamIds: readonly string[], newest: readonly number[]): Promise<Map<string, KeyValidationView | typeof UP_TO_DATE>> {
    const views = new Map<string, KeyValidationView | typeof UP_TO_DATE>();
    if (streamIds.length === 0) return views;
    const { rows } = await tx.query<{ stream_id: string; doc: KeyValidationView | null }>(
      `SELECT v.stream_id, CASE WHEN v.version < k.newest THEN v.doc END AS doc FROM key_validation_views v
       JOIN unnest($1::text[], $2::integer[]) WITH ORDINALITY AS k(stream_id, newest, n) ON v.stream_id = k.stream_id
       ORDER BY k.n FOR UPDATE OF v`,
      [streamIds, newest],
    );
    for (const row of rows) views.set(row.stream_id, row.doc ?? UP_TO_DATE);
    return views;
  }

  private async write(tx: SqlQueryable, streamId: string, before: KeyValidationView | null, document: KeyValidationView): Promise<void> {
    const dropped = droppedHashes(before, document);
    if (dropped.length) await tx.query('DELETE FROM key_validation_hashes WHERE hash = ANY($1::text[])', [dropped]);
    for (const [hash, record] of validationRecords(document))
      await tx.query(
        `INSERT INTO key_validation_hashes (hash, stream_id, record) VALUES ($1, $2, $3)
         ON CONFLICT (hash) DO UPDATE SET stream_id = EXCLUDED.stream_id, record = EXCLUDED.record`,
        [hash, streamId, JSON.stringify(record)],
      );
    await tx.query(
      `INSERT INTO key_validation_views (stream_id, version, doc) VALUES ($1, $2, $3)
       ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, doc = EXCLUDED.doc`,
      [streamId, document.version, JSON.stringify(document)],
    );
  }

  lookup(hash: string): Promise<ValidationRecord | null> {
    return new PgValidationReader(this.sql).lookup(hash);
  }

  /** Folds in memory and writes each key once (a replay). */
  bulkRebuild(): KeyValidationPgBulkRebuild {
    return new KeyValidationPgBulkRebuild(this.name, this.sql);
  }

  async reset(): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM key_validation_hashes');
      await tx.query('DELETE FROM key_validation_views');
      await tx.query('DELETE FROM projection_checkpoints WHERE name = $1', [this.name]);
    });
  }

  /** The hashes of imported keys, for a verifier's ImportedHashIndex at its start. */
  async importedHashes(): Promise<string[]> {
    const r = await this.sql.query<{ hash: string }>(`SELECT hash FROM key_validation_hashes WHERE hash LIKE $1`, [`${IMPORTED_HASH_PREFIX}%`]);
    return r.rows.map((row) => row.hash);
  }

  /** Every record by hash, sorted: for comparing a live model with a rebuilt one. */
  async dump(): Promise<Array<[hash: string, record: ValidationRecord]>> {
    const r = await this.sql.query<{ hash: string; record: ValidationRecord }>('SELECT hash, record FROM key_validation_hashes ORDER BY hash');
    return r.rows.map((row) => [row.hash, row.record]);
  }
}
