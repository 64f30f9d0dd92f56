import { createHash, randomBytes, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { Pool } from 'pg';

/**
 * The floor under the revocation figure, measured by the same probe in the same run: the least any
 * service can do to make a revoke durable and then visible to another instance's cached verify,
 * with no framework, no event store and no domain. Two of these run, as the two key-service
 * instances do: a revoke commits one row to PostgreSQL (fsync'd, as an acknowledged revoke must
 * be), then one Redis round trip writes the deny state and PUBLISHes it; every instance marks its
 * in-process copy on the message, and its next verify answers from that copy.
 *
 * It speaks just enough of the key service's API for the probe: create, verify, revoke.
 */
interface FloorKey {
  readonly id: string;
  status: 'ACTIVE' | 'REVOKED';
}

const WRITE_AND_PUBLISH = `
redis.call('SET', KEYS[1], ARGV[1])
return redis.call('PUBLISH', KEYS[2], ARGV[2])
`;

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3197);
  const prefix = `${process.env.REDIS_KEY_PREFIX ?? 'bench:'}floor:`;
  const channel = `${prefix}revoked`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true });
  const subscriber = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  // Both instances start together; a lost race on creating the table is the other one's success.
  await pool.query('CREATE TABLE IF NOT EXISTS floor_revocations (key_id TEXT PRIMARY KEY, revoked_at TIMESTAMPTZ NOT NULL DEFAULT now())').catch(() => undefined);

  // Keyed by the key's hash, as the service's cache is: no plaintext kept past the create response.
  const cache = new Map<string, FloorKey>();
  const hashesById = new Map<string, string>();
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  await subscriber.subscribe(channel);
  subscriber.on('message', (_channel: string, keyHash: string) => {
    const cached = cache.get(keyHash);
    if (cached) cached.status = 'REVOKED';
  });

  const app = Fastify({ logger: false });
  app.post('/v1/keys', async (_request, reply) => {
    const id = randomUUID();
    const key = `fk_${randomBytes(24).toString('base64url')}`;
    const keyHash = hash(key);
    hashesById.set(id, keyHash);
    await redis.set(`${prefix}${keyHash}`, JSON.stringify({ id, status: 'ACTIVE' }));
    return reply.code(201).send({ id, key });
  });
  app.post<{ Body: { key: string } }>('/v1/keys/verify', async (request) => {
    const keyHash = hash(request.body.key);
    let found = cache.get(keyHash);
    if (!found) {
      const stored = await redis.get(`${prefix}${keyHash}`);
      if (stored === null) return { valid: false, code: 'NOT_FOUND' };
      found = JSON.parse(stored) as FloorKey;
      cache.set(keyHash, found);
    }
    return { valid: found.status === 'ACTIVE', code: found.status === 'ACTIVE' ? 'VALID' : 'REVOKED' };
  });
  app.post<{ Params: { id: string } }>('/v1/keys/:id/revoke', async (request, reply) => {
    const keyHash = hashesById.get(request.params.id);
    if (!keyHash) return reply.code(404).send({ message: 'not found' });
    await pool.query('INSERT INTO floor_revocations (key_id) VALUES ($1)', [request.params.id]);
    await redis.eval(WRITE_AND_PUBLISH, 2, `${prefix}${keyHash}`, channel, JSON.stringify({ id: request.params.id, status: 'REVOKED' }), keyHash);
    return { id: request.params.id, status: 'REVOKED' };
  });
  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write(`revocation floor listening on ${port}\n`);
  const stop = () => {
    void app
      .close()
      .then(() => Promise.all([redis.quit(), subscriber.quit(), pool.end()]))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
