import type { SqlReader } from '@key-service/verifier';

/** A PostgreSQL connection pool the module reads the validation model's copy through, and closes. */
export interface SqlReaderConnection extends SqlReader {
  close(): Promise<void>;
}

/**
 * `pg` is an optional peer: loaded only when `databaseUrl` is given, so a service that verifies
 * from Redis alone does not need it installed.
 */
export async function openSqlReader(connectionString: string): Promise<SqlReaderConnection> {
  let pg: typeof import('pg');
  try {
    pg = await import('pg');
  } catch {
    throw new Error("KeyVerificationModule: 'databaseUrl' needs the 'pg' package installed");
  }
  const pool = new pg.Pool({ connectionString, max: 4 });
  // An idle client that loses its connection emits 'error'; without a listener that would crash the process.
  pool.on('error', () => undefined);
  return {
    async query<Row extends object>(sql: string, params?: unknown[]) {
      return { rows: (await pool.query(sql, params)).rows as Row[] };
    },
    close: () => pool.end(),
  };
}
