import { SqlClient } from '@keys/event-store';
import { writeCheckpoint } from '../feed/checkpoint.schema';
import { BulkRebuild, KeyChange } from '../rebuild/bulk-rebuild';
import { chunksOf, REBUILD_ROWS_PER_STATEMENT } from '../rebuild/rows-per-statement';
import { keyValidationProjection } from './key-validation.projection';
import { droppedHashes, KeyValidationView, validationRecords } from './key-validation.view';

/**
 * The PostgreSQL validation model's bulk writes, in one transaction: the views first,
 * version-guarded (a command writes them too, through upsert_key_validation_view), then for the
 * views written only, the hash rows their previous view had and this one lacks are deleted and
 * the current ones written; then the checkpoint. Multi-row statements throughout.
 */
export class KeyValidationPgBulkRebuild implements BulkRebuild<KeyValidationView> {
  readonly projection = keyValidationProjection;

  constructor(
    readonly name: string,
    private readonly sql: SqlClient,
  ) {}

  async load(streamIds: readonly string[]): Promise<Map<string, KeyValidationView>> {
    const r = await this.sql.query<{ stream_id: string; doc: KeyValidationView }>(
      'SELECT stream_id, doc FROM key_validation_views WHERE stream_id = ANY($1::text[])',
      [streamIds],
    );
    return new Map(r.rows.map((row) => [row.stream_id, row.doc]));
  }

  async flush(changes: readonly KeyChange<KeyValidationView>[], position: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const chunk of chunksOf(changes, REBUILD_ROWS_PER_STATEMENT)) {
        const written = await tx.query<{ stream_id: string }>(
          `INSERT INTO key_validation_views (stream_id, version, doc)
           SELECT v->>'streamId', (v->'view'->>'version')::integer, v->'view' FROM jsonb_array_elements($1::jsonb) AS u(v)
           ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, doc = EXCLUDED.doc
           WHERE key_validation_views.version < EXCLUDED.version
           RETURNING stream_id`,
          [JSON.stringify(chunk.map((c) => ({ streamId: c.streamId, view: c.document })))],
        );
        const ours = new Set(written.rows.map((row) => row.stream_id));
        const applied = chunk.filter((c) => ours.has(c.streamId));
        const dropped = applied.flatMap((c) => droppedHashes(c.stored, c.document));
        if (dropped.length) await tx.query('DELETE FROM key_validation_hashes WHERE hash = ANY($1::text[])', [dropped]);
        const records = applied.flatMap((c) => validationRecords(c.document).map(([hash, record]) => ({ hash, streamId: c.streamId, record })));
        if (records.length)
          await tx.query(
            `INSERT INTO key_validation_hashes (hash, stream_id, record)
             SELECT r->>'hash', r->>'streamId', r->'record' FROM jsonb_array_elements($1::jsonb) AS u(r)
             ON CONFLICT (hash) DO UPDATE SET stream_id = EXCLUDED.stream_id, record = EXCLUDED.record`,
            [JSON.stringify(records)],
          );
      }
      await writeCheckpoint(tx, this.name, position);
    });
  }
}
