import { execSync } from 'node:child_process';
import { Socket } from 'node:net';

export function reachable(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

async function waitUntilReachable(name: string, port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await reachable(port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not come up on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * PostgreSQL and Redis are installed on the test machines and normally already running; when one
 * is installed but stopped, start it the way the machine's own boot does.
 */
export async function ensureLocalServices(): Promise<void> {
  if (!(await reachable(5432))) {
    execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', { stdio: 'inherit' });
    await waitUntilReachable('PostgreSQL', 5432);
  }
  if (!(await reachable(6379))) {
    execSync(
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
      { stdio: 'inherit' },
    );
    await waitUntilReachable('Redis', 6379);
  }
}
