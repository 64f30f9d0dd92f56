import { keyStreamId } from '@key-service/events';
import { AppendAlongside, SqlClient } from '@keys/event-store';
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
    // withAppend's select on its own: no KeyCreated of this statement to take a position from.
    const params: unknown[] = [];
    const select = this.withAppend(details, validation, null).select((value, type) => {
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
    // Both take the key's advisory lock first (upsert_key_validation_view's comment), then rows.
    const records = validationRecords(validation).map(([hash, record]) => ({ hash, record }));
    return {
      select: (param, positions) => {
        const doc = param(JSON.stringify(details), 'jsonb');
        const detailsDoc = createdAt === null ? doc : `${doc} || jsonb_build_object('createdPosition', (${positions})[${createdAt + 1}])`;
        // Two columns, not one expression: each function runs whatever the other answers.
        return `upsert_key_validation_view(${param(keyStreamId(validation.tenant, validation.keyId), 'text')}, ${param(validation.version, 'integer')},
                  ${param(JSON.stringify(validation), 'jsonb')}, ${param(JSON.stringify(records), 'jsonb')}) AS validation_written,
                upsert_key_details(${param(details.tenant, 'text')}, ${param(details.keyId, 'text')}, ${param(details.version, 'integer')}, ${detailsDoc}) AS details_written`;
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
