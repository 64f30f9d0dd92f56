import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, PoolConfig, QueryConfig } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { QueryOptions, SqlClient, SqlQueryable } from './sql-client';

/** Statement names by text: `pg` prepares a name once per connection and refuses one reused for another text. */
const statementNames = new Map<string, string>();

/** A named query, so `pg` prepares it once per connection. */
function preparedQuery(sql: string, params: unknown[] | undefined): QueryConfig {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `ks_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params };
}

export interface PgSqlClientOptions {
  connectionString: string;
  /** Schema put first on the search path of every connection (tests isolate themselves this way). */
  schema?: string;
  max?: number;
}

/** SqlClient over a `pg` connection pool: the distributed mode's store. */
export class PgSqlClient implements SqlClient {
  readonly kind = 'postgres' as const;
  readonly pool: Pool;

  constructor(options: PgSqlClientOptions) {
    const config: PoolConfig = { connectionString: options.connectionString, max: options.max ?? 10 };
    if (options.schema) config.options = `-c search_path=${options.schema}`;
    this.pool = new Pool(config);
    // An idle client that loses its connection emits 'error'; without a listener that would crash the process.
    this.pool.on('error', () => undefined);
  }

  async query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<{ rows: Row[] }> {
    const result = options?.prepared ? await this.pool.query(preparedQuery(sql, params)) : await this.pool.query(sql, params);
    return { rows: result.rows as Row[] };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: SqlQueryable = {
        query: async <Row extends object>(sql: string, params?: unknown[], options?: QueryOptions) => ({
          rows: (options?.prepared ? await client.query(preparedQuery(sql, params)) : await client.query(sql, params)).rows as Row[],
        }),
        copyFrom: async (statement: string, data: string) => {
          const stream = client.query(copyFrom(statement));
          await pipeline(Readable.from([data]), stream);
        },
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
