import { keyStreamId } from '@key-service/events';
import { SqlClient } from '@keys/event-store';
import { KeyDetails } from './key-details/key-details.view';
import { KeyValidationView, validationRecords } from './key-validation/key-validation.view';

/**
 * A command's own write of its key's rows in PostgreSQL, ahead of the projector: the validation
 * view (verify's fallback) and the query model's row (get, list), in one statement, so one round
 * trip and one transaction. Once it resolves, every instance reads the change from PostgreSQL
 * alone, whatever Kafka and the projector are doing. Both functions are version-guarded, so the
 * projector's later fold of the same events changes nothing and an older write never wins.
 * Needs the schemas of KeyValidationPgStore and KeyDetailsPgStore (their `init`).
 */
export class KeyCommandPgWriter {
  constructor(private readonly sql: SqlClient) {}

  async write(details: KeyDetails, validation: KeyValidationView): Promise<void> {
    // Both take the key's advisory lock first (upsert_key_validation_view's comment), then rows.
    const records = validationRecords(validation).map(([hash, record]) => ({ hash, record }));
    await this.sql.query('SELECT upsert_key_validation_view($1, $2, $3::jsonb, $4::jsonb), upsert_key_details($5, $6, $7, $8::jsonb)', [
      keyStreamId(validation.tenant, validation.keyId),
      validation.version,
      JSON.stringify(validation),
      JSON.stringify(records),
      details.tenant,
      details.keyId,
      details.version,
      JSON.stringify(details),
    ]);
  }
}
