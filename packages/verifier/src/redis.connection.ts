import Redis from 'ioredis';

/**
 * A Redis connection for the verify path: commands fail fast instead of queueing while Redis is
 * unreachable, so verify can fall back to PostgreSQL within a request rather than hang.
 */
export async function connectRedis(url: string, name: string, options: { subscriber?: boolean } = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    // A subscribed connection only listens; the others carry verify's commands.
    ...(options.subscriber
      ? {}
      : { enableAutoPipelining: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 }),
  });
  // Without a listener, a connection error would be thrown as an unhandled 'error' event.
  redis.on('error', () => undefined);
  await redis.connect();
  return redis;
}
