/**
 * The slice of a PostgreSQL client the stores need. Both the `pg` pool and embedded PGlite satisfy
 * it, so one SQL adapter serves the distributed and the embedded mode.
 */
export interface SqlQueryable {
  query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<{ rows: Row[] }>;
  /**
   * Runs `COPY … FROM STDIN` (`statement`) with `data`, rows in COPY's text format. Only where the
   * client speaks COPY's protocol (a `pg` transaction); elsewhere absent, and the caller inserts.
   */
  copyFrom?(statement: string, data: string): Promise<void>;
}

export interface QueryOptions {
  /**
   * Parse and plan the statement once per connection and reuse it (a named prepared statement):
   * for the few fixed texts every command sends, where planning cost PostgreSQL more than running
   * them (the append: about half its backend CPU). Only for a text from a small fixed set: each
   * stays prepared on every connection of the pool for the connection's life. Ignored by PGlite.
   */
  readonly prepared?: boolean;
}

export interface SqlClient extends SqlQueryable {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Runs statements that take no parameters, possibly several separated by semicolons. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'postgres' | 'pglite';
}

/** PostgreSQL's SQLSTATE for a unique-constraint violation. */
export const UNIQUE_VIOLATION = '23505';

export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
