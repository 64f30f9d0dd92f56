import { ValidationRecord } from './validation-record';

/** The one query a reader needs: a `pg` Pool, or the key service's own SQL clients. */
export interface SqlReader {
  query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/**
 * Reads the PostgreSQL copy of the validation model (table `key_validation_hashes`, which the key
 * service creates and feeds), read only: verify's fallback while Redis is down.
 */
export class PgValidationReader {
  constructor(private readonly sql: SqlReader) {}

  async lookup(hash: string): Promise<ValidationRecord | null> {
    const r = await this.sql.query<{ record: ValidationRecord }>('SELECT record FROM key_validation_hashes WHERE hash = $1', [hash]);
    return r.rows[0]?.record ?? null;
  }
}
