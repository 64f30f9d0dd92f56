import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgSqlClient } from '@keys/event-store';

/** The machine's PostgreSQL (trust auth, database `test`); override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh schema per test file, so files can run in parallel against one database and every run
 * starts empty. Returns a client whose connections put that schema first on the search path.
 */
export async function createTestSchema(label: string): Promise<{ schema: string; sql: PgSqlClient; drop: () => Promise<void> }> {
  const schema = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const sql = new PgSqlClient({ connectionString: TEST_DATABASE_URL, schema, max: 12 });
  return {
    schema,
    sql,
    drop: async () => {
      await sql.close();
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A connection string whose sessions use `schema`, for code that builds its own pool (the apps). */
export function urlWithSchema(schema: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}
