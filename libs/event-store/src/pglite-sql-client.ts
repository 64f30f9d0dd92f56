import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { SqlClient, SqlQueryable } from './sql-client';

/**
 * SqlClient over embedded PGlite: PostgreSQL compiled to WASM, so the embedded mode runs the very
 * SQL of the distributed mode with no server. PGlite has a single connection and runs one
 * transaction at a time, which it enforces itself.
 */
export class PgliteSqlClient implements SqlClient {
  readonly kind = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  /** `dataDir` undefined keeps the database in memory (unit and contract tests). */
  static async open(dataDir?: string): Promise<PgliteSqlClient> {
    // PGlite creates only the last directory of the path; DATA_DIR itself may not exist yet.
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
    return new PgliteSqlClient(db);
  }

  async query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }> {
    const result = await this.db.query<Row>(sql, params);
    return { rows: result.rows };
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      work({
        query: async <Row extends object>(sql: string, params?: unknown[]) => ({
          rows: (await tx.query<Row>(sql, params)).rows,
        }),
      }),
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
