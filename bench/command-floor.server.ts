import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'pg';

/**
 * The floor under every command figure, measured in the same run and loaded exactly like create
 * (same body, connections and duration): the least a service can do to make a change durable on
 * this box, now. A bare Fastify route that commits one row to PostgreSQL in one transaction
 * (BEGIN; INSERT; COMMIT over `pg`, fsync'd at COMMIT as an acknowledged command must be) and
 * answers 201. No framework, no authentication, no event store, no domain, no Redis.
 *
 * The pool has the key service's size (PgSqlClient's default, 10), so both queue the same way.
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3196);
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  pool.on('error', () => undefined);
  await pool.query('CREATE TABLE IF NOT EXISTS floor_commands (id UUID PRIMARY KEY, body JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())');

  const app = Fastify({ logger: false });
  app.post('/v1/keys', async (request, reply) => {
    const id = randomUUID();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO floor_commands (id, body) VALUES ($1, $2)', [id, JSON.stringify(request.body ?? {})]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return reply.code(201).send({ id });
  });
  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write(`command floor listening on ${port}\n`);
  const stop = () => {
    void app
      .close()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
