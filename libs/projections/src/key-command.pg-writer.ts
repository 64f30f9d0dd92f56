import { keyStreamId } from '@key-service/events';
import { AlongsideSelect, AlongsideWrites, AppendAlongside, SqlClient } from '@keys/event-store';
import { KeyDetails } from './key-details/key-details.view';
import { KeyValidationView, validationRecords } from './key-validation/key-validation.view';

/**
 * A command's own write of its key's rows in PostgreSQL, ahead of the projector: the validation
 * view (verify's fallback) and the query model's row (get, list), in the append's own statement
 * (withAppend), else in one statement after it (write), so one round trip and one transaction.
 * Once it has committed, every instance reads the change from PostgreSQL
 * alone, whatever Kafka and the projector are doing. Both functions are version-guarded, so the
 * projector's later fold of the same events changes nothing and an older write never wins.
 * Needs the schemas of KeyValidationPgStore and KeyDetailsPgStore (their `init`).
 */
export class KeyCommandPgWriter {
  constructor(private readonly sql: SqlClient) {}

  async write(details: KeyDetails, validation: KeyValidationView): Promise<void> {
    // withAppend's function calls on their own: no KeyCreated of this statement to take a position from.
    const params: unknown[] = [];
    const select = this.functionCalls(details, validation).select((value, type) => {
      params.push(value);
      return `$${params.length}::${type}`;
    }, 'NULL::bigint[]');
    await this.sql.query(`SELECT ${select}`, params, { prepared: true });
  }

  /**
   * `write` as part of the append of the key's events (AppendOptions.alongside): the same two
   * calls, in the append's statement, so a command costs PostgreSQL one statement and one commit.
   * `createdAt`: where KeyCreated is among the appended events (0-based), when the append creates
   * the key; its list position is then the one the insert gives it, which nothing knows before.
   */
  withAppend(details: KeyDetails, validation: KeyValidationView, createdAt: number | null): AppendAlongside {
    return createdAt === null ? this.functionCalls(details, validation) : this.creationRows(details, validation, createdAt);
  }

  /** The two functions, for a key whose rows the projector and other commands write too. */
  private functionCalls(details: KeyDetails, validation: KeyValidationView): AlongsideSelect {
    const records = validationRecords(validation).map(([hash, record]) => ({ hash, record }));
    // Both take the key's advisory lock first (upsert_key_validation_view's comment), then rows.
    return {
      select: (param) =>
        // Two columns, not one expression: each function runs whatever the other answers.
        `upsert_key_validation_view(${param(keyStreamId(validation.tenant, validation.keyId), 'text')}, ${param(validation.version, 'integer')},
                  ${param(JSON.stringify(validation), 'jsonb')}, ${param(JSON.stringify(records), 'jsonb')}) AS validation_written,
                upsert_key_details(${param(details.tenant, 'text')}, ${param(details.keyId, 'text')}, ${param(details.version, 'integer')}, ${param(JSON.stringify(details), 'jsonb')}) AS details_written`,
    };
  }

  /**
   * A create's rows as three plain inserts in the append's statement, without the two functions:
   * their advisory lock, row locks and reads of what is there guard a key whose rows others write
   * too, and a new key's have no other writer before this statement commits. The projector folds
   * only committed events, and a second create of the same id waits on the log's unique (stream,
   * version) index and fails, its own inserts with it. Each insert keeps the functions' version
   * guard all the same, and the columns are taken from the documents as the functions take them,
   * so the rows are the ones they would write (held equal to a replay by the writer's spec).
   * Measured alone against the functions, in alternating rounds: 255 → 200 µs of backend CPU per
   * create on one connection, 270 → 210 on eight (docs/verification.md, "Performance: known gaps").
   */
  private creationRows(details: KeyDetails, validation: KeyValidationView, createdAt: number): AlongsideWrites {
    const records = validationRecords(validation).map(([hash, record]) => ({ hash, record }));
    return {
      writes: (param) => {
        const streamId = param(keyStreamId(validation.tenant, validation.keyId), 'text');
        const version = param(validation.version, 'integer');
        const position = `appended.positions[${createdAt + 1}]`;
        return [
          `INSERT INTO key_validation_views (stream_id, version, doc)
             SELECT ${streamId}, ${version}, ${param(JSON.stringify(validation), 'jsonb')} FROM appended
           ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, doc = EXCLUDED.doc
             WHERE key_validation_views.version < EXCLUDED.version`,
          `INSERT INTO key_validation_hashes (hash, stream_id, record)
             SELECT r.hash, ${streamId}, r.record FROM appended, jsonb_to_recordset(${param(JSON.stringify(records), 'jsonb')}) AS r(hash TEXT, record JSONB)
             -- As the function: no hash rows under a view already at this version (the statement's snapshot).
             WHERE NOT EXISTS (SELECT 1 FROM key_validation_views v WHERE v.stream_id = ${streamId} AND v.version >= ${version})
           ON CONFLICT (hash) DO UPDATE SET stream_id = EXCLUDED.stream_id, record = EXCLUDED.record`,
          // The columns as upsert_key_details reads them from the document: JSON null is SQL NULL.
          `INSERT INTO key_details (key_id, tenant, version, status, owner, environment, roles, expires_at, created_position, doc)
             SELECT ${param(details.keyId, 'text')}, ${param(details.tenant, 'text')}, ${param(details.version, 'integer')}, ${param(details.status, 'text')},
                    ${param(details.owner, 'text')}, ${param(details.environment, 'text')}, ${param(details.roles, 'text[]')},
                    ${param(details.expiresAt, 'timestamptz')}, ${position},
                    ${param(JSON.stringify(details), 'jsonb')} || jsonb_build_object('createdPosition', ${position})
               FROM appended
           ON CONFLICT (tenant, key_id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,
             owner = EXCLUDED.owner, environment = EXCLUDED.environment, roles = EXCLUDED.roles,
             expires_at = EXCLUDED.expires_at, doc = EXCLUDED.doc
             WHERE key_details.version < EXCLUDED.version`,
        ];
      },
    };
  }

  /**
   * `write` for many keys (a batch create or an import): the same two functions per key, called
   * row by row from one statement per WRITE_MANY_CHUNK keys, so a thousand keys cost a few round
   * trips and commits instead of a thousand. A function scan yields its rows in the array's order,
   * the append's (which the projector follows too, so the two take the keys' locks in the same
   * order). A chunk holds its keys' advisory locks until it commits: the chunk size keeps that well
   * inside PostgreSQL's lock table (max_locks_per_transaction × connections) however many batches
   * run at once.
   */
  async writeMany(rows: ReadonlyArray<{ readonly details: KeyDetails; readonly validation: KeyValidationView }>): Promise<void> {
    const chunks: Array<typeof rows> = [];
    for (let i = 0; i < rows.length; i += WRITE_MANY_CHUNK) chunks.push(rows.slice(i, i + WRITE_MANY_CHUNK));
    await Promise.all(
      chunks.map((chunk) =>
        this.sql.query(
          `SELECT upsert_key_validation_view(u.stream_id, u.version, u.doc, u.records), upsert_key_details(u.tenant, u.key_id, u.details_version, u.details)
             FROM jsonb_to_recordset($1::jsonb) AS u(stream_id TEXT, version INTEGER, doc JSONB, records JSONB, tenant TEXT, key_id TEXT, details_version INTEGER, details JSONB)`,
          [
            JSON.stringify(
              chunk.map(({ details, validation }) => ({
                stream_id: keyStreamId(validation.tenant, validation.keyId),
                version: validation.version,
                doc: validation,
                records: validationRecords(validation).map(([hash, record]) => ({ hash, record })),
                tenant: details.tenant,
                key_id: details.keyId,
                details_version: details.version,
                details,
              })),
            ),
          ],
        ),
      ),
    );
  }
}

/** Keys per statement of writeMany. */
const WRITE_MANY_CHUNK = 200;
