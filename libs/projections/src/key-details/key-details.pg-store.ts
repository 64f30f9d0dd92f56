import { keyStreamId, KeyStatus, RecordedKeyEvent } from '@key-service/events';
import { migrate, SqlClient, SqlQueryable } from '@keys/event-store';
import { CHECKPOINT_SCHEMA, readCheckpoint, writeCheckpoint } from '../feed/checkpoint.schema';
import { ProjectionSink } from '../feed/projection-sink';
import { BulkRebuildable } from '../rebuild/bulk-rebuild';
import { KeyDetailsBulkRebuild } from './key-details.bulk-rebuild';
import { foldKeyEvents, groupByKey, newestVersions, UP_TO_DATE } from '../key-projection';
import { keyDetailsProjection } from './key-details.projection';
import { KEY_DETAILS_SCHEMA } from './key-details.schema';
import { KeyDetailsView } from './key-details.view';

export interface KeyListFilter {
  /** Undefined: every tenant (the root key's view). */
  readonly tenant?: string;
  readonly status?: KeyStatus;
  readonly role?: string;
  readonly owner?: string;
  readonly environment?: string;
  /** created position of the last key of the previous page */
  readonly after?: number;
  readonly limit: number;
}

export interface KeyListPage {
  readonly items: KeyDetailsView[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: number | null;
}

/**
 * The query read model in PostgreSQL (PGlite when embedded). Writes and the checkpoint commit in
 * one transaction, so a crash never leaves the model ahead of or behind its checkpoint.
 */
export class KeyDetailsPgStore implements ProjectionSink, BulkRebuildable {
  readonly name = keyDetailsProjection.name;

  constructor(private readonly sql: SqlClient) {}

  async init(): Promise<void> {
    await migrate(this.sql, CHECKPOINT_SCHEMA + KEY_DETAILS_SCHEMA);
  }

  checkpoint(): Promise<number> {
    return readCheckpoint(this.sql, this.name);
  }

  async handle(events: readonly RecordedKeyEvent[], checkpoint?: number): Promise<void> {
    if (events.length === 0 && checkpoint === undefined) return;
    const byKey = [...groupByKey(events).values()];
    await this.sql.transaction(async (tx) => {
      const current = await this.lockedDocs(tx, byKey);
      for (const keyEvents of byKey) {
        const stored = current.get(keyStreamId(keyEvents[0].tenant, keyEvents[0].keyId));
        // A row at or past every event of the batch: all duplicates, which the fold would skip.
        if (stored === UP_TO_DATE) continue;
        await this.applyToKey(tx, stored ?? null, keyEvents);
      }
      if (checkpoint !== undefined) await writeCheckpoint(tx, this.name, checkpoint);
    });
  }

  /**
   * The rows of every key of a batch, locked, in one statement instead of one per key: a Kafka
   * batch of events the commands already wrote costs this read and nothing else. Rows are locked in
   * the batch's order of keys (ORDER BY is applied before FOR UPDATE locks), the order a command's
   * writeMany and the per-key loop this replaced take them, so the two cannot deadlock. A row whose
   * version is already the batch's newest for its key comes back as UP_TO_DATE, without its
   * document: a live batch is mostly such keys, and reading and parsing each one's document was
   * most of what the projector spent on them (newestVersions).
   */
  private async lockedDocs(tx: SqlQueryable, byKey: readonly RecordedKeyEvent[][]): Promise<Map<string, KeyDetailsView | typeof UP_TO_DATE>> {
    const docs = new Map<string, KeyDetailsView | typeof UP_TO_DATE>();
    if (byKey.length === 0) return docs;
    const { rows } = await tx.query<{ tenant: string; key_id: string; doc: KeyDetailsView | null }>(
      `SELECT d.tenant, d.key_id, CASE WHEN d.version < k.newest THEN d.doc END AS doc FROM key_details d
       JOIN unnest($1::text[], $2::text[], $3::integer[]) WITH ORDINALITY AS k(tenant, key_id, newest, n) ON d.tenant = k.tenant AND d.key_id = k.key_id
       ORDER BY k.n FOR UPDATE OF d`,
      [byKey.map((e) => e[0].tenant), byKey.map((e) => e[0].keyId), newestVersions(byKey)],
    );
    for (const { tenant, key_id, doc } of rows) docs.set(keyStreamId(tenant, key_id), doc ?? UP_TO_DATE);
    return docs;
  }

  private async applyToKey(tx: SqlQueryable, current: KeyDetailsView | null, events: RecordedKeyEvent[]): Promise<void> {
    const { document, applied } = foldKeyEvents(keyDetailsProjection, current, events);
    if (applied === 0 || !document) return;
    // A command writes its key's row too (upsert_key_details). With no row yet, FOR UPDATE locked
    // nothing, and a command may have inserted a later version since: the guard keeps that one.
    await tx.query(
      `INSERT INTO key_details (key_id, tenant, version, status, owner, environment, roles, expires_at, created_position, doc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (tenant, key_id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,
         owner = EXCLUDED.owner, environment = EXCLUDED.environment, roles = EXCLUDED.roles,
         expires_at = EXCLUDED.expires_at, doc = EXCLUDED.doc
       WHERE key_details.version < EXCLUDED.version`,
      [
        document.keyId,
        document.tenant,
        document.version,
        document.status,
        document.owner,
        document.environment,
        document.roles,
        document.expiresAt,
        document.createdPosition,
        JSON.stringify(document),
      ],
    );
  }

  /** Folds in memory and writes each key once (a replay). */
  bulkRebuild(): KeyDetailsBulkRebuild {
    return new KeyDetailsBulkRebuild(this.sql);
  }

  async reset(): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query('DELETE FROM key_details');
      await tx.query('DELETE FROM projection_checkpoints WHERE name = $1', [this.name]);
    });
  }

  async get(tenant: string, keyId: string): Promise<KeyDetailsView | null> {
    const r = await this.sql.query<{ doc: KeyDetailsView }>('SELECT doc FROM key_details WHERE tenant = $1 AND key_id = $2', [tenant, keyId]);
    return r.rows[0]?.doc ?? null;
  }

  /** The tenants that hold a key with this id (ids are unique per tenant only), sorted. */
  async tenantsOf(keyId: string): Promise<string[]> {
    const r = await this.sql.query<{ tenant: string }>('SELECT tenant FROM key_details WHERE key_id = $1 ORDER BY tenant', [keyId], { prepared: true });
    return r.rows.map((row) => row.tenant);
  }

  async list(filter: KeyListFilter, now: Date = new Date()): Promise<KeyListPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replaceAll('?', `$${params.length}`));
    };
    if (filter.tenant !== undefined) add('tenant = ?', filter.tenant);
    if (filter.role !== undefined) add('roles @> ARRAY[?]::text[]', filter.role);
    if (filter.owner !== undefined) add('owner = ?', filter.owner);
    if (filter.environment !== undefined) add('environment = ?', filter.environment);
    if (filter.after !== undefined) add('created_position > ?', filter.after);
    if (filter.status === 'EXPIRED') add(`status = 'ACTIVE' AND expires_at <= ?`, now.toISOString());
    else if (filter.status === 'ACTIVE') add(`status = 'ACTIVE' AND (expires_at IS NULL OR expires_at > ?)`, now.toISOString());
    else if (filter.status !== undefined) add('status = ?', filter.status);
    params.push(filter.limit + 1);
    const r = await this.sql.query<{ doc: KeyDetailsView }>(
      `SELECT doc FROM key_details ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_position LIMIT $${params.length}`,
      params,
    );
    const docs = r.rows.map((row) => row.doc);
    const items = docs.slice(0, filter.limit);
    const more = docs.length > filter.limit;
    return { items, next: more ? items[items.length - 1].createdPosition : null };
  }

  /**
   * Events the model has not applied yet, whatever feeds it (in-process or Kafka, whose
   * partitions give no single checkpoint): every event above its key's stored version. It scans
   * the log, which is fine for a health probe and nothing hotter.
   */
  async lag(): Promise<{ events: number; oldestOccurredAt: string | null }> {
    const r = await this.sql.query<{ events: string | number; oldest: Date | string | null }>(
      `SELECT count(*) AS events, min(e.occurred_at) AS oldest
       FROM events e LEFT JOIN key_details d ON d.tenant = e.tenant AND d.key_id = substr(e.stream_id, strpos(e.stream_id, '/') + 1)
       WHERE e.stream_version > COALESCE(d.version, 0)`,
    );
    const row = r.rows[0];
    return { events: Number(row?.events ?? 0), oldestOccurredAt: row?.oldest ? new Date(row.oldest).toISOString() : null };
  }

  /** Every document, in creation order: for comparing a live model with a rebuilt one. */
  async dump(): Promise<KeyDetailsView[]> {
    const r = await this.sql.query<{ doc: KeyDetailsView }>('SELECT doc FROM key_details ORDER BY created_position');
    return r.rows.map((row) => row.doc);
  }

  /** Distinct roles in use in a tenant (for the Fusion-style GET /api/roles). */
  async roles(tenant?: string): Promise<string[]> {
    const r = await this.sql.query<{ role: string }>(
      `SELECT DISTINCT unnest(roles) AS role FROM key_details ${tenant !== undefined ? 'WHERE tenant = $1' : ''} ORDER BY role`,
      tenant !== undefined ? [tenant] : [],
    );
    return r.rows.map((row) => row.role);
  }
}

