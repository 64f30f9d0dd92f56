import { createServer } from 'node:net';

function listenOnce(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A loopback port nobody listens on now, for a server a test starts of its own. A fixed port
 * collided whenever two runs of the suite shared the machine: the second run's "restart" found the
 * first run's server already listening and tested against it.
 * `span` consecutive free ports (a Kafka broker takes its port and the next for its controller).
 */
export async function freePort(span = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listenOnce(0);
    if (first === null || first + span > 65535) continue;
    let all = true;
    for (let i = 1; i < span && all; i++) all = (await listenOnce(first + i)) !== null;
    if (all) return first;
  }
  throw new Error(`no ${span} consecutive free loopback ports found`);
}
