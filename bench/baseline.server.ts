import Fastify from 'fastify';
import { Redis } from 'ioredis';

/**
 * The two ceilings every verify figure is compared with, served by a bare Fastify on the same
 * machine and under the same load: a route that returns a constant (what HTTP alone costs here)
 * and a route that does one Redis GET (what HTTP plus one round trip to Redis costs: the least a
 * verify that misses its in-process cache can do).
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3199);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true });
  const key = `${process.env.REDIS_KEY_PREFIX ?? 'bench:'}baseline`;
  await redis.set(key, JSON.stringify({ keyId: 'baseline', status: 'ACTIVE', roles: [] }));

  const app = Fastify({ logger: false });
  app.post('/constant', async () => ({ valid: true, code: 'VALID' }));
  app.post('/redis-get', async () => {
    const value = await redis.get(key);
    return { valid: value !== null, code: value !== null ? 'VALID' : 'NOT_FOUND' };
  });
  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write(`baseline listening on ${port}\n`);
  const stop = () => {
    void app.close().then(() => redis.quit()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
