import { keyStreamId, KeyStreamAddress, parseKeyStreamId } from '@key-service/events';
import { SqlClient } from '@keys/event-store';
import { writeCheckpoint } from '../feed/checkpoint.schema';
import { BulkRebuild, KeyChange } from '../rebuild/bulk-rebuild';
import { chunksOf, REBUILD_ROWS_PER_STATEMENT } from '../rebuild/rows-per-statement';
import { keyDetailsProjection } from './key-details.projection';
import { KeyDetailsView } from './key-details.view';

/**
 * The query model's bulk writes: every changed document in a few multi-row statements (one per
 * REBUILD_ROWS_PER_STATEMENT keys, all the documents in one JSON parameter), and the checkpoint,
 * in one transaction. Version-guarded as the live sink is: a command's own later write of a row wins.
 */
export class KeyDetailsBulkRebuild implements BulkRebuild<KeyDetailsView> {
  readonly name = keyDetailsProjection.name;
  readonly projection = keyDetailsProjection;

  constructor(private readonly sql: SqlClient) {}

  async load(streamIds: readonly string[]): Promise<Map<string, KeyDetailsView>> {
    const keys = streamIds.map((id) => parseKeyStreamId(id)).filter((k): k is KeyStreamAddress => k !== null);
    const r = await this.sql.query<{ doc: KeyDetailsView }>(
      'SELECT d.doc FROM key_details d JOIN unnest($1::text[], $2::text[]) AS s(tenant, key_id) ON d.tenant = s.tenant AND d.key_id = s.key_id',
      [keys.map((k) => k.tenant), keys.map((k) => k.keyId)],
    );
    return new Map(r.rows.map(({ doc }) => [keyStreamId(doc.tenant, doc.keyId), doc]));
  }

  async flush(changes: readonly KeyChange<KeyDetailsView>[], position: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const chunk of chunksOf(changes, REBUILD_ROWS_PER_STATEMENT))
        await tx.query(
          `INSERT INTO key_details (key_id, tenant, version, status, owner, environment, roles, expires_at, created_position, doc)
           SELECT d->>'keyId', d->>'tenant', (d->>'version')::integer, d->>'status', d->>'owner', d->>'environment',
                  ARRAY(SELECT jsonb_array_elements_text(d->'roles')), (d->>'expiresAt')::timestamptz, (d->>'createdPosition')::bigint, d
           FROM jsonb_array_elements($1::jsonb) AS u(d)
           ON CONFLICT (tenant, key_id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,
             owner = EXCLUDED.owner, environment = EXCLUDED.environment, roles = EXCLUDED.roles,
             expires_at = EXCLUDED.expires_at, doc = EXCLUDED.doc
           WHERE key_details.version < EXCLUDED.version`,
          [JSON.stringify(chunk.map((c) => c.document))],
        );
      await writeCheckpoint(tx, this.name, position);
    });
  }
}
